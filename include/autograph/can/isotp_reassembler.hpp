// IsoTpReassembler: the receiving side of ISO-TP (ISO 15765-2) in userspace, for recorded traffic.
//
// On a live bus the kernel's CAN_ISOTP sockets reassemble messages and send flow control
// (IsoTpSocket); a candump log has only the frames, so tests and tools that read OBD-II traffic
// from logs rebuild the messages here. It follows one sender (one CAN ID): the caller routes
// each frame by ID. It never sends anything: flow control frames are the other side's business.
//
// Frames: single frame (PCI 0x0L, or 0x00 LL in CAN FD frames longer than 8 bytes), first frame
// (0x1L LL, 12-bit length 8..4095), consecutive frames (0x2N, N = sequence number 1..15, 0, 1, ...
// wrapping past 15), flow control (0x3x, ignored). Padding bytes after a message's end are ignored.
//
// Not thread-safe; one owner. No allocation after construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "autograph/can/can_frame.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

class IsoTpReassembler {
 public:
  static constexpr size_t kMaxMessageSize = 4095;
  // ISO 15765-2 N_Cr: a receiver gives up on a message when the next consecutive frame takes
  // longer than this.
  static constexpr uint64_t kDefaultConsecutiveTimeoutNs = 1'000'000'000;

  explicit IsoTpReassembler(uint64_t consecutive_timeout_ns = kDefaultConsecutiveTimeoutNs)
      : timeout_ns_(consecutive_timeout_ns) {}

  // Feeds the next frame of this sender (times from frame.t_ns). Returns true when it completed
  // a message (message() views it until the next call), false when more frames are needed or
  // it was a flow control frame. Errors, after which the message in progress is dropped:
  //   kMalformed: a bad PCI or length (single frame of length 0 or longer than the frame, first
  //     frame shorter than 8 or not 8 bytes long, CAN FD escapes of a first frame), a
  //     consecutive frame with no message in progress, or with the wrong sequence number
  //     ("expected sequence number 3, got 5");
  //   kUnavailable: a consecutive frame that came more than the timeout after the previous frame.
  // A single or first frame while a message is in progress starts over (the sender gave up on
  // the old one); abandoned() counts those.
  [[nodiscard]] Result<bool> feed(const CanFrame& frame);

  // The last completed message; valid until the next feed().
  std::span<const uint8_t> message() const noexcept {
    return std::span<const uint8_t>(buffer_.data(), size_);
  }
  // Messages given up because a new one started before they were complete.
  uint64_t abandoned() const noexcept { return abandoned_; }
  // True while a multi-frame message is incomplete.
  bool in_progress() const noexcept { return expected_ > 0; }

 private:
  [[nodiscard]] Result<bool> single_frame(const CanFrame& frame);
  [[nodiscard]] Result<bool> first_frame(const CanFrame& frame);
  [[nodiscard]] Result<bool> consecutive_frame(const CanFrame& frame);
  void start_over();

  uint64_t timeout_ns_;
  std::array<uint8_t, kMaxMessageSize> buffer_{};
  size_t size_ = 0;         // bytes of the message in buffer_ (received so far, or complete)
  size_t expected_ = 0;     // length of the multi-frame message in progress; 0 when none
  uint8_t next_sn_ = 0;     // sequence number the next consecutive frame must carry
  uint64_t last_t_ns_ = 0;  // time of the previous frame of the message in progress
  uint64_t abandoned_ = 0;
};

}  // namespace autograph::can
