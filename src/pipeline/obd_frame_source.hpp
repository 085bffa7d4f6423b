// ObdFrameSource: the OBD-II poller (can/obd_poller.hpp) as a frame source of the reactor.
//
// Its frames are on the virtual "obd" bus (can/obd_bus.hpp): each answer of the poller split into
// one frame per PID, which the decoder compiled with obd_dbc_text() for that bus decodes and the
// normaliser maps to VSS like any other frame. It polls only what the policy's `obd` section
// allows, only while it allows it (set_policy() on every policy change); with no `obd` section,
// or `enabled: false`, it sends nothing at all. It never finishes.
//
// The VIN and the stored DTCs are texts: interned in the pipeline's SignalTexts and handed out as
// OBD_TEXT frames carrying their index (can/obd_bus.hpp). The VIN only when it is a valid VIN;
// the DTC list is the union of the lists the ECUs reported last (can::ObdStoredDtcs). A text
// the full table refuses is counted there (SignalTexts::refused()).
//
// Counters: frames as handed out; bad_input = answers the kernel dropped (ISO-TP errors) or that
// were no OBD answer; down = requests failed to send and none ever went out.
//
// Thread: the reactor thread only.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autograph/can/obd_poller.hpp"
#include "autograph/can/obd_stored_dtcs.hpp"
#include "pipeline/frame_source.hpp"
#include "pipeline/signal_texts.hpp"
#include "policy/policy.hpp"

namespace autograph::pipeline {

class ObdFrameSource final : public FrameSource {
 public:
  // Opens the poller (options.bus: the "obd" bus index of the decoder; `bus_names`: every bus
  // name by index, as interfaces() reports them) and puts `rule` in force. `texts` (the
  // pipeline's, must outlive the source) receives the VIN and DTC texts. Errors: those of
  // ObdPoller::open.
  [[nodiscard]] static Result<std::unique_ptr<ObdFrameSource>> open(
      const can::ObdPollerOptions& options, std::vector<std::string> bus_names,
      const std::optional<policy::ObdPolling>& rule, SignalTexts& texts);

  // Puts the `obd` section of a new policy in force (absent: polling stops).
  void set_policy(const std::optional<policy::ObdPolling>& rule);

  int fd() const noexcept override { return poller_.fd(); }
  [[nodiscard]] Result<size_t> read_batch(std::span<can::CanFrame> frames) override;
  bool finished() const noexcept override { return false; }
  const FrameSourceCounters& counters() const noexcept override { return counters_; }
  const std::vector<std::string>& interfaces() const noexcept override { return bus_names_; }
  const std::string& name() const noexcept override { return name_; }

  const can::ObdPoller& poller() const noexcept { return poller_; }
  // VIN and DTC texts the full table refused (SignalTexts::refused()).
  uint64_t texts_refused() const noexcept { return texts_.refused(); }

 private:
  ObdFrameSource(can::ObdPoller poller, std::vector<std::string> bus_names, std::string name,
                 SignalTexts& texts);
  // The OBD_TEXT frame of `answer` into `out` when it is a text answer whose text the table
  // takes: 1; else 0.
  size_t text_frame(const can::CanFrame& answer, can::CanFrame& out);

  can::ObdPoller poller_;
  std::vector<std::string> bus_names_;
  std::string name_;  // "obd on can0"
  SignalTexts& texts_;
  std::optional<uint32_t> vin_signal_;  // VSS ids of the text signals (absent: not mapped)
  std::optional<uint32_t> dtc_signal_;
  can::ObdStoredDtcs dtcs_;
  std::array<can::CanFrame, 16> answers_{};  // one read of the poller
  // Split frames not yet handed out (the caller's span was full).
  std::array<can::CanFrame, 16 * 6> pending_{};
  size_t pending_first_ = 0;
  size_t pending_end_ = 0;
  FrameSourceCounters counters_;
};

}  // namespace autograph::pipeline
