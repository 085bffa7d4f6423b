// SocketCanSource: one configured CAN interface as a FrameSource of the reactor, that survives
// its interface going down, being removed, or its controller going bus-off.
//
// It reads through a can::SocketCanBus (CAN FD on, error frames, kernel timestamps, SO_RXQ_OVFL,
// a large receive buffer whose granted size is read back and warned about once when capped).
// When the interface goes down or disappears, the bus is closed, the source is marked down
// (counters().down, outages + 1), logged once, and reopened on the reactor's timer with capped
// exponential back-off (first_retry, doubling up to max_retry); frames sent while it is down are
// not seen by anyone and cannot be counted. Bus-off also marks it down, but keeps the socket
// (the kernel reports the controller's restart on it): with restart_ms configured the source
// restarts the controller itself through libsocketcan restart_ms after bus-off, and again with
// back-off until the controller reports it restarted. With a bitrate configured, an interface
// found down is given that bitrate and started through libsocketcan (CAP_NET_ADMIN and a real
// controller; on vcan, or without the capability, this fails, is logged once, and the source
// waits for someone else to bring the interface up).
//
// The kernel id filter is the caller's (set_filter(), from the policy in force); it is kept and
// applied again on every reopen. Counters (frames, kernel drops, rejected datagrams) accumulate
// over reopens.
//
// Thread: the reactor thread only, like every FrameSource.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "autograph/can/socketcan_bus.hpp"
#include "autograph/result.hpp"
#include "pipeline/frame_source.hpp"

namespace autograph::pipeline {

struct SocketCanSourceOptions {
  std::string interface;               // e.g. "can0"
  uint16_t bus = 0;                    // CanFrame::bus of its frames: index into bus_names
  std::vector<std::string> bus_names;  // every configured interface, by bus index
  bool hardware_timestamps = false;    // the controller's receive stamps instead of the kernel's
  uint32_t bitrate = 0;                // bit/s to set on a down interface; 0: leave it alone
  std::optional<uint32_t> restart_ms;  // restart the controller this long after bus-off
  int receive_buffer_bytes = 4 << 20;  // SO_RCVBUF request, bytes
  std::chrono::milliseconds first_retry{100};
  std::chrono::milliseconds max_retry{5'000};
};

class SocketCanSource final : public FrameSource {
 public:
  // Opens the interface with an empty filter (no data frame passes until set_filter()). When it
  // cannot be opened now (missing, down, no AF_CAN in this kernel), the source starts down
  // (counted as an outage) and retries from `now_ns` (Unix ns) on; it is still returned. Returns
  // kFailedPrecondition only for options no retry can fix (an empty interface name, bus beyond
  // bus_names, receive_buffer_bytes <= 0, first_retry <= 0 or max_retry < first_retry).
  [[nodiscard]] static Result<std::unique_ptr<SocketCanSource>> open(SocketCanSourceOptions options,
                                                                     uint64_t now_ns);

  SocketCanSource(SocketCanSource&&) = delete;
  SocketCanSource& operator=(SocketCanSource&&) = delete;
  SocketCanSource(const SocketCanSource&) = delete;
  SocketCanSource& operator=(const SocketCanSource&) = delete;
  ~SocketCanSource() override = default;

  int fd() const noexcept override;
  // Frames ready now; 0 when none, or when the interface went down during the read (the source
  // is down then, fd() is -1). Never returns an error: a failed socket is treated as a down
  // interface and reopened.
  [[nodiscard]] Result<size_t> read_batch(std::span<can::CanFrame> frames) override;
  bool finished() const noexcept override { return false; }
  uint64_t recovery_due_ns() const noexcept override { return retry_at_ns_; }
  void recover(uint64_t now_ns) override;
  const FrameSourceCounters& counters() const noexcept override { return counters_; }
  const std::vector<std::string>& interfaces() const noexcept override {
    return options_.bus_names;
  }
  const std::string& name() const noexcept override { return options_.interface; }

  // Replaces the kernel filter: `ids` as can::SocketCanOptions::ids (at most
  // can::SocketCanBus::kMaxFilterIds), or every frame when `receive_all`. Applied now when the
  // bus is open, and on every reopen. Returns kFailedPrecondition for too many or invalid ids
  // (the filter in force stays), kInternal when the kernel refuses.
  [[nodiscard]] Result<void> set_filter(std::vector<uint32_t> ids, bool receive_all);

  uint64_t rejected_frames() const noexcept;
  uint64_t error_frames() const noexcept;

 private:
  SocketCanSource(SocketCanSourceOptions options, uint64_t now_ns);

  // Opens the bus; on failure schedules the next attempt. Returns true when open.
  bool try_open(uint64_t now_ns);
  // Closes the bus (keeping its counts) after it failed with `why`, marks the source down.
  void go_down(const std::string& why, uint64_t now_ns);
  void mark_down(const std::string& why);
  void mark_up();
  // Schedules the next recover() after the current back-off, then doubles it (capped).
  void schedule_retry(uint64_t now_ns);
  // With a bitrate configured: sets it on the (down) interface and starts it.
  void configure_controller();
  // Bus-off handling after reads: marks down/up as the controller state says.
  void track_bus_off(uint64_t now_ns);
  // Moves the closing bus's counters into the totals.
  void retire_bus();
  can::SocketCanOptions bus_options() const;

  SocketCanSourceOptions options_;
  std::optional<can::SocketCanBus> bus_;
  std::vector<uint32_t> filter_ids_;
  bool receive_all_ = false;
  FrameSourceCounters counters_;
  uint64_t retry_at_ns_ = UINT64_MAX;
  std::chrono::milliseconds backoff_{0};
  bool warned_capped_buffer_ = false;
  bool warned_control_ = false;  // a libsocketcan failure was logged since the source went down
  bool bus_off_ = false;
  uint64_t retired_kernel_drops_ = 0;  // counts of buses closed before the current one
  uint64_t retired_rejected_ = 0;
  uint64_t retired_error_frames_ = 0;
};

}  // namespace autograph::pipeline
