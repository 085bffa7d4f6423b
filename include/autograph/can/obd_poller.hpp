// ObdPoller: OBD-II polling over the kernel's ISO-TP sockets, driven by a reactor.
//
// One send-only socket for functional requests (0x7DF; 29-bit 0x18DB33F1) and, per ECU n in
// 0..7, one socket that receives its answers (0x7E8 + n; 0x18DAF1xx), sends their flow control
// and carries physical requests to it (0x7E0 + n; 0x18DAxxF1). An ObdScheduler decides what to
// ask; every request is built by encode_obd_request(), so only services 01, 03 and 09 can ever
// reach the bus.
//
// fd() is an epoll descriptor over those sockets and a timerfd armed for the scheduler's next
// deadline: the reactor watches it like any frame source and calls read_batch() when it is
// readable. Each answer becomes one CanFrame: id = the answering ID (0x7E8 + n, with
// CanFrame::kEffFlag when 29-bit), data = the whole ISO-TP message (service byte first, no PCI),
// len = its length (kFd set when above 8), bus = options.bus, t_ns = realtime at reception.
// Answers longer than 64 bytes do not fit a frame and are counted in `oversize`.
//
// 29-bit: ECU slot n starts at options.extended_addresses[n]. A CAN_RAW socket (a SocketCanBus,
// receive-only) watches every frame sent to the tester (0x18DAF100..0x18DAF1FF); an ECU that
// answers from an address no slot listens to takes over a slot that never heard its ECU, and
// discovery runs again (ObdAddressBook has the rules). Learned addresses and addresses that
// found no slot are counted; the latter also go to last_error(). Frames the watch's queue drops
// (SocketCanBus counts them) only delay learning until the ECU answers again. 11-bit needs no
// watch: the eight answer IDs 0x7E8..0x7EF are all there are.
//
// No allocation per poll: buffers are sized at open() (learning an address opens a socket, which
// allocates, once per address). Thread: the reactor thread only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "autograph/can/can_frame.hpp"
#include "autograph/can/isotp_socket.hpp"
#include "autograph/can/obd_address_book.hpp"
#include "autograph/can/obd_scheduler.hpp"
#include "autograph/can/socketcan_bus.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

struct ObdPollerOptions {
  std::string interface;      // "can0"
  bool extended_ids = false;  // 29-bit addressing (ISO 15765-4 normal fixed addressing)
  // 29-bit only: the address ECU slot n starts with (it answers from 0x18DAF1xx and is asked on
  // 0x18DAxxF1); eight different addresses. ECUs elsewhere are learned (see above).
  std::array<uint8_t, ObdScheduler::kMaxEcus> extended_addresses = {0x10, 0x11, 0x12, 0x13,
                                                                    0x14, 0x15, 0x16, 0x17};
  bool padding = true;     // pad requests and flow control to 8 bytes
  uint8_t block_size = 0;  // BS in our flow control (0: the ECU sends everything at once)
  uint8_t stmin = 0;       // STmin in our flow control (0x00-0x7F ms, 0xF1-0xF9 100-900 us)
  uint16_t bus = 0;        // CanFrame::bus of the answers
  ObdSchedulerConfig scheduler;
};

struct ObdPollerCounters {
  uint64_t sent = 0;          // requests written to the bus
  uint64_t send_errors = 0;   // requests the kernel refused (interface down, busy)
  uint64_t answers = 0;       // whole messages received
  uint64_t isotp_errors = 0;  // messages the kernel dropped (wrong SN, timeout, padding)
  uint64_t malformed = 0;     // messages that are no OBD answer to 01/03/09
  uint64_t oversize = 0;      // answers longer than a frame
  uint64_t negative = 0;      // negative answers (7F)
  // 29-bit: ECU addresses a slot was re-bound to, and distinct addresses heard that no slot
  // could take (every slot had heard its ECU), whose answers are lost.
  uint64_t learned_addresses = 0;
  uint64_t unknown_responders = 0;
};

class ObdPoller {
 public:
  // Opens the nine sockets (29-bit: and the watch), the timerfd and the epoll set. Errors:
  // IsoTpSocket::open's and SocketCanBus::open's (kUnavailable for a missing interface or no
  // can-isotp), kUnavailable for epoll/timerfd, kFailedPrecondition for an address that
  // extended_addresses names twice.
  [[nodiscard]] static Result<ObdPoller> open(const ObdPollerOptions& options);

  ObdPoller(ObdPoller&& other) noexcept;
  ObdPoller& operator=(ObdPoller&&) = delete;
  ObdPoller(const ObdPoller&) = delete;
  ObdPoller& operator=(const ObdPoller&) = delete;
  ~ObdPoller();

  int fd() const noexcept { return epoll_fd_; }

  // Puts the policy's rule in force (see ObdScheduler::set_policy) and re-arms the timer.
  void set_policy(const ObdPollingRule& rule);

  // Reads every answer that is ready (up to out.size()), sends the request that is due, re-arms
  // the timer; returns how many frames it wrote to `out`. Never blocks. Errors: kUnavailable when
  // epoll or the timerfd fails (the poller is unusable). ISO-TP and send failures are counted,
  // and the last one kept in last_error(), not returned: the poller goes on.
  [[nodiscard]] Result<size_t> read_batch(std::span<CanFrame> out);

  const ObdScheduler& scheduler() const noexcept { return scheduler_; }
  const ObdPollerCounters& counters() const noexcept { return counters_; }
  // The last ISO-TP or send error, for the status report; empty when none.
  const std::string& last_error() const noexcept { return last_error_; }
  // The CAN ID ECU n answers from now (29-bit: its slot's address, learned or configured).
  uint32_t response_id(int ecu) const noexcept;
  // 29-bit: the addresses of the ECU slots (unused with 11-bit IDs).
  const ObdAddressBook& address_book() const noexcept { return book_; }

 private:
  ObdPoller(ObdPollerOptions options, ObdScheduler scheduler, ObdAddressBook book);
  [[nodiscard]] Result<void> open_sockets();
  IsoTpOptions slot_options(int ecu) const;
  [[nodiscard]] Result<void> add_to_epoll(int fd);
  // 29-bit: reads what the watch saw, learns addresses, re-binds slots.
  void watch_responders();
  void listen(int ecu, uint8_t address);
  // Reads what ECU `ecu` sent; appends frames to out from `count`; returns the new count.
  size_t drain(int ecu, std::span<CanFrame> out, size_t count, int64_t now_ms);
  void send_due(int64_t now_ms);
  [[nodiscard]] Result<void> arm_timer();
  void note_error(const Error& error);

  ObdPollerOptions options_;
  ObdScheduler scheduler_;
  ObdAddressBook book_;
  std::vector<IsoTpSocket> sockets_;   // [0]: functional; [1 + n]: ECU n
  std::optional<SocketCanBus> watch_;  // 29-bit only: every frame to 0x18DAF1xx
  std::array<CanFrame, 16> watched_{};
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  std::array<uint8_t, IsoTpSocket::kMaxMessageSize> buffer_{};
  ObdPollerCounters counters_;
  std::string last_error_;
};

}  // namespace autograph::can
