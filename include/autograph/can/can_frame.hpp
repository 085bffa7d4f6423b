// CanFrame: one classic CAN or CAN FD frame as every stage of the pipeline sees it.
//
// The layout mirrors the kernel's struct canfd_frame closely enough that SocketCAN reads copy
// field by field, with the kernel timestamp and the bus index added. Frames are plain values:
// copy them freely, they own no memory.
#pragma once

#include <cstdint>

namespace autograph::can {

struct CanFrame {
  // `id` carries the 11-bit or 29-bit identifier; kEffFlag marks a 29-bit (extended) one. A
  // standard and an extended frame with the same number are different identifiers.
  static constexpr uint32_t kEffFlag = 0x80000000u;
  static constexpr uint32_t kSffMask = 0x000007FFu;
  static constexpr uint32_t kEffMask = 0x1FFFFFFFu;

  // Bits of `flags`.
  static constexpr uint8_t kFd = 0x01;   // CAN FD frame (up to 64 data bytes)
  static constexpr uint8_t kBrs = 0x02;  // CAN FD bit-rate switch
  static constexpr uint8_t kEsi = 0x04;  // CAN FD error state indicator
  static constexpr uint8_t kRtr = 0x08;  // classic remote transmission request (no data)
  static constexpr uint8_t kErr = 0x10;  // error frame (id holds the kernel's CAN_ERR_* class)

  static constexpr uint8_t kMaxClassicLen = 8;
  static constexpr uint8_t kMaxFdLen = 64;

  uint32_t id = 0;       // identifier, with kEffFlag for extended frames
  uint8_t len = 0;       // payload length in bytes: 0..8 classic, 0..64 FD
  uint8_t flags = 0;     // kFd | kBrs | kEsi | kRtr | kErr
  uint16_t bus = 0;      // index of the interface the frame came from (see the source's table)
  uint8_t len8_dlc = 0;  // classic frames with len 8 only: the raw DLC 9..15 when it was sent so
  uint64_t t_ns = 0;     // receive time, nanoseconds (kernel timestamp, or the log's time)
  uint8_t data[kMaxFdLen] = {};

  bool extended() const noexcept { return (id & kEffFlag) != 0; }
  // The identifier without kEffFlag.
  uint32_t raw_id() const noexcept { return id & kEffMask; }
};

}  // namespace autograph::can
