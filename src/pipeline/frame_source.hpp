// FrameSource: where the reactor gets CAN frames (a capture replay now, SocketCAN next).
//
// A source offers one file descriptor for epoll (readable when frames may be read) and reads
// frames in batches, so the reactor pays one virtual call per batch, not per frame. Frame times
// are nanoseconds since the Unix epoch; CanFrame::bus indexes the source's interfaces().
//
// A live source (SocketCAN) can go down and come back: while it is down its fd() is -1 (the
// reactor takes the old descriptor out of epoll, so a dead socket never makes it spin), and
// recovery_due_ns() says when the reactor's timer should call recover(). A source whose fd()
// changes always passes through -1 in between, seen by the reactor after read_batch() or
// recover() returns.
//
// Thread: a source is owned and used by the reactor thread only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograph/can/bus_table.hpp"
#include "autograph/can/can_frame.hpp"
#include "autograph/result.hpp"

namespace autograph::pipeline {

// Counts since the source was opened. Losses are never silent: kernel_drops and bad_input go
// into the next batches' drop counters and the status event.
struct FrameSourceCounters {
  uint64_t frames = 0;        // frames handed out by read_batch()
  uint64_t kernel_drops = 0;  // frames the kernel dropped (SO_RXQ_OVFL); 0 for a replay
  uint64_t bad_input = 0;     // malformed lines or frames skipped
  bool down = false;          // the source is down now (interface down, removed, bus-off)
  uint64_t outages = 0;       // times the source went down since it was opened
  // frames handed out per bus index (see interfaces())
  std::array<uint64_t, can::BusTable::kMaxBuses> frames_per_bus{};
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // The descriptor to watch for EPOLLIN; -1 while a live source is down (see above).
  virtual int fd() const noexcept = 0;

  // Reads up to frames.size() frames that are ready now into `frames` and returns how many
  // (0 when none is ready: wait for fd() again). Never blocks. Errors: kUnavailable when the
  // underlying device or file failed (the source is unusable afterwards), naming it.
  [[nodiscard]] virtual Result<size_t> read_batch(std::span<can::CanFrame> frames) = 0;

  // True once the source will never yield another frame (the end of a capture).
  virtual bool finished() const noexcept = 0;

  // When recover() should run next, in ns since the Unix epoch (CLOCK_REALTIME, the reactor's
  // timer clock); UINT64_MAX when nothing is pending (the default: a replay never goes down).
  virtual uint64_t recovery_due_ns() const noexcept { return UINT64_MAX; }
  // Called by the reactor at or after recovery_due_ns(), `now_ns` being the time then: tries to
  // bring the source back (reopen, restart the controller) and schedules the next attempt when
  // that fails. Never fails itself: a source that cannot recover stays down and retries.
  virtual void recover(uint64_t /*now_ns*/) {}

  virtual const FrameSourceCounters& counters() const noexcept = 0;
  // Interface names by bus index.
  virtual const std::vector<std::string>& interfaces() const noexcept = 0;
  // A name for logs and errors ("capture.log", "can0").
  virtual const std::string& name() const noexcept = 0;
};

}  // namespace autograph::pipeline
