// ObdFrameSource (see the header).
#include "pipeline/obd_frame_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "autograph/can/obd_bus.hpp"

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
                               std::string name)
    : poller_(std::move(poller)), bus_names_(std::move(bus_names)), name_(std::move(name)) {}

Result<std::unique_ptr<ObdFrameSource>> ObdFrameSource::open(
    const can::ObdPollerOptions& options, std::vector<std::string> bus_names,
    const std::optional<policy::ObdPolling>& rule) {
  Result<can::ObdPoller> poller = can::ObdPoller::open(options);
  if (!poller) {
    return tl::unexpected(poller.error());
  }
  std::unique_ptr<ObdFrameSource> source(new ObdFrameSource(
      std::move(*poller), std::move(bus_names), fmt::format("obd on {}", options.interface)));
  source->set_policy(rule);
  return source;
}

void ObdFrameSource::set_policy(const std::optional<policy::ObdPolling>& rule) {
  poller_.set_policy(to_rule(rule));
}

Result<size_t> ObdFrameSource::read_batch(std::span<can::CanFrame> frames) {
  if (pending_first_ == pending_end_) {
    pending_first_ = pending_end_ = 0;
    Result<size_t> answers = poller_.read_batch(answers_);
    if (!answers) {
      return answers;
    }
    for (size_t i = 0; i < *answers; ++i) {
      pending_end_ += can::split_obd_answer(
          answers_[i], std::span<can::CanFrame, 6>(pending_.data() + pending_end_, 6));
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
