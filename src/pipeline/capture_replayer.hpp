// CaptureReplayer: a candump log played back as a FrameSource (demo, tests, benchmarks).
//
// Pacing: frame k is released at replay start + (t_log(k) - t_log(first)) / speed on the
// monotonic clock, by a timerfd; speed 0 means as fast as possible (the timerfd is kept firing).
// Frame times are re-based onto the wall clock: t_ns = start_ns + (t_log - t_first), start_ns
// being CLOCK_REALTIME when the replayer was made, whatever the speed (so at speed N > 1 frame
// times run ahead of the wall clock, N times as fast, and keep the capture's spacing). Malformed
// lines are skipped and counted in counters().bad_input (first_bad_line() says which), never
// silently.
//
// Thread: the reactor thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/result.hpp"
#include "pipeline/frame_source.hpp"

namespace autograph::pipeline {

class CaptureReplayer final : public FrameSource {
 public:
  // Speed 0 = as fast as possible.
  static constexpr double kMaxSpeed = 0.0;

  // Replays `reader` (which should skip bad lines; see CandumpReaderOptions) at `speed`
  // (0 = max, else > 0: 1 = real time, N = N times as fast). Returns kUnavailable when the
  // timerfd can't be made, kMalformed for a negative or non-finite speed, and the reader's error
  // for a first line that can't be read.
  [[nodiscard]] static Result<CaptureReplayer> open(can::CandumpReader reader, double speed);

  // Parses "max", "1", "10", "0.5" (> 0) as given on the command line; kMalformed naming the
  // text otherwise.
  [[nodiscard]] static Result<double> parse_speed(std::string_view text);

  CaptureReplayer(CaptureReplayer&& other) noexcept;
  CaptureReplayer& operator=(CaptureReplayer&&) = delete;
  CaptureReplayer(const CaptureReplayer&) = delete;
  CaptureReplayer& operator=(const CaptureReplayer&) = delete;
  ~CaptureReplayer() override;

  int fd() const noexcept override { return timer_fd_; }
  // Returns the frames due now (re-based); 0 when the next one isn't due yet (the timer is set
  // for it) or the capture has ended.
  [[nodiscard]] Result<size_t> read_batch(std::span<can::CanFrame> frames) override;
  bool finished() const noexcept override { return !has_pending_; }
  const FrameSourceCounters& counters() const noexcept override { return counters_; }
  const std::vector<std::string>& interfaces() const noexcept override {
    return reader_.interfaces();
  }
  const std::string& name() const noexcept override { return reader_.name(); }

  // Wall-clock nanoseconds that the capture's first frame was re-based to.
  uint64_t start_ns() const noexcept { return start_ns_; }
  const std::string& first_bad_line() const noexcept { return reader_.first_skipped(); }

 private:
  CaptureReplayer(can::CandumpReader reader, double speed, int timer_fd);

  // Reads the next frame into pending_; clears has_pending_ at the end.
  [[nodiscard]] Result<void> advance();
  // Monotonic ns at which pending_ is due.
  uint64_t due_ns() const noexcept;
  // Arms the timerfd for pending_ (or disarms it at the end).
  void arm() noexcept;

  can::CandumpReader reader_;
  double speed_;
  int timer_fd_ = -1;
  bool has_pending_ = false;
  can::CanFrame pending_;  // next frame, log time
  uint64_t first_log_ns_ = 0;
  uint64_t start_ns_ = 0;       // CLOCK_REALTIME at start
  uint64_t start_mono_ns_ = 0;  // CLOCK_MONOTONIC at start
  FrameSourceCounters counters_;
};

}  // namespace autograph::pipeline
