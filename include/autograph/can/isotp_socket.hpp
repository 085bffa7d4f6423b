// IsoTpSocket: one kernel CAN_ISOTP socket (ISO 15765-2), which segments, reassembles, sends
// flow control and times out in the kernel (Linux >= 5.10, module can-isotp).
//
// Addressing for OBD-II (ISO 15765-4): functional requests go to 0x7DF (29-bit: 0x18DB33F1) from
// a send-only socket with sf_broadcast (single frames to many receivers, no flow control
// expected). Each ECU answers from 0x7E8 + n (0x18DAF1xx) and takes flow control and physical
// requests on 0x7E0 + n (0x18DAxxF1): one socket per ECU with rx_id = its response ID and
// tx_id = its physical address receives its answers, sends the flow control for them, and can
// send it physical requests.
//
// All sockets are non-blocking and close on exec. Movable, not copyable; the owner's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "autograph/result.hpp"

namespace autograph::can {

struct IsoTpOptions {
  std::string interface;  // "can0", "vcan0"
  uint32_t tx_id = 0;     // CAN ID we send on (data, or flow control); CanFrame::kEffFlag: 29-bit
  uint32_t rx_id = 0;     // CAN ID we receive on
  bool padding = true;    // pad every frame we send to 8 bytes (J1979 requires DLC 8)
  uint8_t pad_byte = 0xAA;
  uint8_t block_size = 0;  // BS in the flow control we send: frames per block, 0 = all at once
  uint8_t stmin = 0;       // STmin byte in our flow control: 0x00-0x7F ms, 0xF1-0xF9 100-900 us
  // Send-only functional addressing: single frames to any number of receivers, no flow control.
  bool sf_broadcast = false;
};

class IsoTpSocket {
 public:
  static constexpr size_t kMaxMessageSize = 4095;

  // Opens, configures (every option before bind) and binds the socket. Errors: kUnavailable
  // when the interface does not exist or the kernel has no CAN_ISOTP ("modprobe can-isotp");
  // kInternal when an option is refused. Messages name the interface and the IDs.
  [[nodiscard]] static Result<IsoTpSocket> open(const IsoTpOptions& options);

  IsoTpSocket(IsoTpSocket&& other) noexcept;
  IsoTpSocket& operator=(IsoTpSocket&& other) noexcept;
  IsoTpSocket(const IsoTpSocket&) = delete;
  IsoTpSocket& operator=(const IsoTpSocket&) = delete;
  ~IsoTpSocket();

  // For epoll: readable when a message (or an error report) is waiting.
  int fd() const noexcept { return fd_; }
  const std::string& name() const noexcept { return name_; }

  // Queues `payload` (1..kMaxMessageSize bytes) for sending; never blocks. Errors: kUnavailable
  // when a previous message is still being sent (EAGAIN) or the interface is down, naming it.
  [[nodiscard]] Result<void> send(std::span<const uint8_t> payload);

  // Reads one whole message into `buffer` and returns its length, or 0 when none is waiting.
  // Errors are the kernel's reports about a message it dropped, received or sent: kMalformed for
  // a wrong sequence number (EILSEQ) or bad padding/length (EBADMSG); kUnavailable for a
  // consecutive frame that never came (ETIMEDOUT), flow control for our own multi-frame message
  // that never came (ECOMM; WAIT frames only extend the wait) or that refused it (EMSGSIZE), or a
  // failing interface. The socket stays usable after any of them.
  [[nodiscard]] Result<size_t> receive(std::span<uint8_t, kMaxMessageSize> buffer);

 private:
  IsoTpSocket(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

  int fd_ = -1;
  std::string name_;  // "vcan0 7E0->7E8" for messages
};

}  // namespace autograph::can
