// SocketCanBus: one CAN interface read through a CAN_RAW socket, a frame source of the reactor.
//
// open() sets every socket option before bind (CAN FD, the id filter, error frames, kernel
// timestamps, the overflow counter, the receive buffer) and checks each one: an error names the
// interface, the option and the system's reason. The socket is non-blocking; the reactor waits
// on fd() with epoll and then calls read_batch(), which takes up to a batch of frames with one
// recvmmsg into message headers and buffers built once in open(): no allocation per read.
//
// Nothing is lost silently: frames the kernel dropped because the receive queue was full are
// counted from its SO_RXQ_OVFL counter (kernel_drops()), datagrams that are not exactly one
// classic or FD frame are counted (rejected_frames()), error frames are delivered flagged kErr
// and move state(). The bus only reads: it never writes a frame to its socket.
//
// All Linux-specific code of the CAN side lives in socketcan_bus.cpp. Not thread-safe: the
// reactor thread owns a bus. Movable, not copyable; the destructor closes the socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "autograph/can/can_frame.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

struct SocketCanOptions {
  // Interface name, e.g. "can0": 1..15 bytes.
  std::string interface;
  // CanFrame::bus of every frame read from this interface.
  uint16_t bus = 0;
  // Receive CAN FD frames too (CAN_RAW_FD_FRAMES); classic frames arrive either way.
  bool fd = true;
  // Pass every frame, ignoring `ids`.
  bool receive_all = false;
  // The identifiers to receive, as CanFrame::id (kEffFlag marks extended ones); an empty list
  // receives no data frame at all. At most SocketCanBus::kMaxFilterIds entries.
  std::vector<uint32_t> ids;
  // Use the controller's hardware receive timestamps instead of the kernel's software ones.
  bool hardware_timestamps = false;
  // Requested receive buffer in bytes (SO_RCVBUF), > 0. SO_RCVBUFFORCE is tried first, which
  // lifts the net.core.rmem_max cap for a process with CAP_NET_ADMIN.
  int receive_buffer_bytes = 4 << 20;
  // The most frames one read_batch() takes: 1..1024. Sizes the buffers built in open().
  size_t max_batch = 64;
};

// What open() obtained, for the caller to log: the kernel may grant less than was asked.
struct SocketCanOpenReport {
  int requested_receive_buffer = 0;  // bytes, as in the options
  // Bytes the kernel reports for SO_RCVBUF. Linux doubles the request for its bookkeeping
  // (socket(7)), so an uncapped request reads back as twice its size.
  int receive_buffer = 0;
  // True when the kernel capped the buffer below the request (rmem_max, no CAP_NET_ADMIN).
  bool receive_buffer_capped = false;
};

enum class BusState : uint8_t {
  kOk,            // error-active: receiving normally
  kErrorPassive,  // the controller reported error-passive (RX or TX)
  kBusOff,        // the controller went bus-off: it receives nothing until restarted
  kDown,          // the interface went down or was removed: close and open again later
};

class SocketCanBus {
 public:
  // The kernel refuses larger CAN_RAW_FILTER lists (CAN_RAW_FILTER_MAX).
  static constexpr size_t kMaxFilterIds = 512;
  static constexpr size_t kMaxBatch = 1024;

  // Opens a CAN_RAW socket on options.interface, bound to it, with every option set. Returns
  // kUnavailable when the kernel has no CAN (AF_CAN missing: load can and can-raw), when the
  // interface does not exist or is not up (retry with back-off); kFailedPrecondition for a bad
  // name, a buffer size <= 0, too many ids, or an id not valid for CanFrame (fix the
  // configuration); kInternal when the kernel refuses an option. Aborts when max_batch is
  // outside 1..kMaxBatch.
  [[nodiscard]] static Result<SocketCanBus> open(const SocketCanOptions& options);

  // Takes ownership of `fd`, a non-blocking datagram socket whose datagrams are laid out as the
  // kernel's struct can_frame or struct canfd_frame, and reads it as a bus named `name`. For
  // fault injection in tests (a socketpair delivering datagrams of any size); set_filter() on
  // it fails. Frames without a kernel timestamp get the time of the read (CLOCK_REALTIME).
  // Aborts when fd < 0 or max_batch is outside 1..kMaxBatch.
  [[nodiscard]] static Result<SocketCanBus> adopt_datagram_socket(int fd, std::string name,
                                                                  uint16_t bus,
                                                                  size_t max_batch = 64);

  SocketCanBus(SocketCanBus&& other) noexcept;
  SocketCanBus& operator=(SocketCanBus&& other) noexcept;
  SocketCanBus(const SocketCanBus&) = delete;
  SocketCanBus& operator=(const SocketCanBus&) = delete;
  ~SocketCanBus();

  // Reads the frames queued now, at most min(out.size(), max_batch), into out[0..n) and returns
  // n; 0 when none is queued (the socket never blocks) or the call was interrupted. Each frame
  // gets the bus index, the kernel's receive time in ns since the Unix epoch (t_ns), and its
  // flags: kFd/kBrs/kEsi for FD frames, kRtr, kEffFlag in the id, kErr for error frames (id =
  // the CAN_ERR_* class bits, data as the kernel sent it). Returns kUnavailable, and state()
  // becomes kDown, when the interface went down (ENETDOWN) or was removed (ENODEV): close the
  // bus, and open it again with back-off. kInternal for any other failure of the socket.
  // A frame without the asked-for timestamp (a driver without hardware stamps) gets the time
  // of the read from CLOCK_REALTIME. Does not allocate.
  [[nodiscard]] Result<size_t> read_batch(std::span<CanFrame> out);

  // Replaces the kernel's id filter (after a policy change): `ids` as in SocketCanOptions, or
  // everything when receive_all. Frames already queued stay queued. Returns kFailedPrecondition
  // for too many or invalid ids, kInternal when the kernel refuses.
  [[nodiscard]] Result<void> set_filter(std::span<const uint32_t> ids, bool receive_all);

  // The socket, for epoll (EPOLLIN; EPOLLERR signals the interface going down). Owned by the bus.
  int fd() const noexcept { return socket_.fd; }
  const std::string& interface() const noexcept { return interface_; }
  uint16_t bus() const noexcept { return bus_; }
  const SocketCanOpenReport& report() const noexcept { return report_; }
  BusState state() const noexcept { return state_; }

  // Frames the kernel dropped on this socket since open() because its receive queue was full.
  // The kernel reports its counter with the next frame it queues, so drops show up once the
  // queue has room again and a frame arrives.
  uint64_t kernel_drops() const noexcept { return kernel_drops_; }
  // Datagrams not delivered because they were not exactly CAN_MTU or CANFD_MTU bytes long, or
  // had a length field out of range.
  uint64_t rejected_frames() const noexcept { return rejected_frames_; }
  // Error frames delivered so far.
  uint64_t error_frames() const noexcept { return error_frames_; }

 private:
  struct Buffers;  // message headers, frame buffers and control buffers (Linux types)
  // Owns the descriptor: closed on destruction, -1 after a move.
  struct Socket {
    explicit Socket(int descriptor) noexcept : fd(descriptor) {}
    Socket(Socket&& other) noexcept;
    Socket& operator=(Socket&& other) noexcept;
    ~Socket();
    int fd = -1;
  };

  SocketCanBus(int fd, std::string interface, uint16_t bus, size_t max_batch);

  // Converts the datagram in slot `slot` (msg_len bytes) into `frame`; false when rejected.
  bool convert(size_t slot, CanFrame& frame) noexcept;
  // Counts kernel drops from slot `slot`'s SO_RXQ_OVFL message; returns its timestamp in ns, or
  // 0 when it carries none.
  uint64_t take_control(size_t slot) noexcept;
  void track_state(const CanFrame& error_frame) noexcept;

  Socket socket_;
  bool adopted_ = false;
  std::string interface_;
  uint16_t bus_ = 0;
  size_t max_batch_ = 0;
  bool hardware_timestamps_ = false;
  SocketCanOpenReport report_;
  BusState state_ = BusState::kOk;
  uint32_t last_overflow_count_ = 0;  // the kernel's SO_RXQ_OVFL value last seen
  uint64_t kernel_drops_ = 0;
  uint64_t rejected_frames_ = 0;
  uint64_t error_frames_ = 0;
  std::unique_ptr<Buffers> buffers_;
};

}  // namespace autograph::can
