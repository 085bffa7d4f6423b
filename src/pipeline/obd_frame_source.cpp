// ObdFrameSource (see the header).
#include "pipeline/obd_frame_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "autograph/can/obd_bus.hpp"
#include "autograph/can/obd_response.hpp"
#include "autograph/vss_text_signals.hpp"

namespace autograph::pipeline {
namespace {

can::ObdPollingRule to_rule(const std::optional<policy::ObdPolling>& obd) {
  can::ObdPollingRule rule;
  if (obd.has_value()) {
    rule.enabled = obd->enabled;
    rule.pids = obd->pids;
    rule.interval_ms = obd->interval_ms;
  }
  return rule;
}

}  // namespace

ObdFrameSource::ObdFrameSource(can::ObdPoller poller, std::vector<std::string> bus_names,
                               std::string name, SignalTexts& texts)
    : poller_(std::move(poller)),
      bus_names_(std::move(bus_names)),
      name_(std::move(name)),
      texts_(texts),
      vin_signal_(texts.signal_of(kVssVinPath)),
      dtc_signal_(texts.signal_of(kVssDtcListPath)) {}

Result<std::unique_ptr<ObdFrameSource>> ObdFrameSource::open(
    const can::ObdPollerOptions& options, std::vector<std::string> bus_names,
    const std::optional<policy::ObdPolling>& rule, SignalTexts& texts) {
  Result<can::ObdPoller> poller = can::ObdPoller::open(options);
  if (!poller) {
    return tl::unexpected(poller.error());
  }
  std::unique_ptr<ObdFrameSource> source(
      new ObdFrameSource(std::move(*poller), std::move(bus_names),
                         fmt::format("obd on {}", options.interface), texts));
  source->set_policy(rule);
  return source;
}

void ObdFrameSource::set_policy(const std::optional<policy::ObdPolling>& rule) {
  poller_.set_policy(to_rule(rule));
}

size_t ObdFrameSource::text_frame(const can::CanFrame& answer, can::CanFrame& out) {
  const Result<can::ObdResponse> response =
      can::parse_obd_response(std::span<const uint8_t>(answer.data, answer.len));
  if (!response || response->negative) {
    return 0;
  }
  std::optional<std::string> text;
  std::optional<uint32_t> signal;
  can::ObdText which = can::ObdText::kVin;
  if (response->service == 0x09 && vin_signal_) {
    text = can::obd_vin_json(*response);
    signal = vin_signal_;
  } else if (response->service == 0x03 && dtc_signal_ && dtcs_.update(answer.id, *response)) {
    text = dtcs_.merged_json();
    signal = dtc_signal_;
    which = can::ObdText::kDtcList;
  }
  if (!text) {
    return 0;
  }
  const std::optional<uint32_t> index = texts_.intern(*signal, *text);
  if (!index) {
    return 0;  // counted by the table
  }
  out = can::make_obd_text_frame(which, static_cast<uint16_t>(*index), answer.bus, answer.t_ns);
  return 1;
}

Result<size_t> ObdFrameSource::read_batch(std::span<can::CanFrame> frames) {
  if (pending_first_ == pending_end_) {
    pending_first_ = pending_end_ = 0;
    Result<size_t> answers = poller_.read_batch(answers_);
    if (!answers) {
      return answers;
    }
    for (size_t i = 0; i < *answers; ++i) {
      // Each answer gives at most 6 frames (service 01) or one text frame (services 03, 09).
      const size_t split = can::split_obd_answer(
          answers_[i], std::span<can::CanFrame, 6>(pending_.data() + pending_end_, 6));
      pending_end_ += split > 0 ? split : text_frame(answers_[i], pending_[pending_end_]);
    }
    const can::ObdPollerCounters& c = poller_.counters();
    counters_.bad_input = c.isotp_errors + c.malformed;
    const bool down = c.send_errors > 0 && c.sent == 0;
    counters_.outages += down && !counters_.down ? 1 : 0;
    counters_.down = down;
  }
  const size_t n = std::min(frames.size(), pending_end_ - pending_first_);
  std::copy_n(pending_.begin() + static_cast<ptrdiff_t>(pending_first_), n, frames.begin());
  pending_first_ += n;
  for (size_t i = 0; i < n; ++i) {
    ++counters_.frames_per_bus[frames[i].bus];
  }
  counters_.frames += n;
  return n;
}

}  // namespace autograph::pipeline
