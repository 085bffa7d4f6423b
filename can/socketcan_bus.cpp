// The Linux side of SocketCanBus: CAN_RAW sockets, their options, recvmmsg and control messages.
#include "autograph/can/socketcan_bus.hpp"

#include <errno.h>
#include <fcntl.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <system_error>
#include <utility>

#include "autograph/check.hpp"

namespace autograph::can {
namespace {

// Room for SO_RXQ_OVFL (uint32) and SO_TIMESTAMPING (three timespecs), with headers.
constexpr size_t kControlBytes = CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(timespec) * 3);

// The system's text for an errno value (strerror is not thread-safe; this is).
std::string errno_text(int error) { return std::system_category().message(error); }

uint64_t to_ns(const timespec& ts) noexcept {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t realtime_ns() noexcept {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return to_ns(now);
}

template <typename T>
Result<void> set_option(int fd, const std::string& interface, int level, int option,
                        const char* option_name, const T* value, size_t size) {
  if (setsockopt(fd, level, option, value, static_cast<socklen_t>(size)) != 0) {
    const int error = errno;
    return fail(ErrorCode::kInternal, "{}: setsockopt {}: {}", interface, option_name,
                errno_text(error));
  }
  return {};
}

template <typename T>
Result<void> set_option(int fd, const std::string& interface, int level, int option,
                        const char* option_name, const T& value) {
  return set_option(fd, interface, level, option, option_name, &value, sizeof value);
}

// The kernel filter list for `ids`: an exact match on the id and on standard vs. extended, for
// data and remote frames alike (the RTR bit is left out of the mask).
Result<std::vector<can_filter>> build_filters(const std::string& interface,
                                              std::span<const uint32_t> ids, bool receive_all) {
  std::vector<can_filter> filters;
  if (receive_all) {
    filters.push_back(can_filter{0, 0});
    return filters;
  }
  if (ids.size() > SocketCanBus::kMaxFilterIds) {
    return fail(ErrorCode::kFailedPrecondition, "{}: {} filter ids, the kernel takes at most {}",
                interface, ids.size(), SocketCanBus::kMaxFilterIds);
  }
  filters.reserve(ids.size());
  for (const uint32_t id : ids) {
    const bool extended = (id & CanFrame::kEffFlag) != 0;
    const uint32_t raw = id & ~CanFrame::kEffFlag;
    if (raw > (extended ? CanFrame::kEffMask : CanFrame::kSffMask)) {
      return fail(ErrorCode::kFailedPrecondition, "{}: filter id 0x{:X} is not a valid {} id",
                  interface, raw, extended ? "extended" : "standard");
    }
    filters.push_back(can_filter{extended ? (raw | CAN_EFF_FLAG) : raw,
                                 CAN_EFF_FLAG | (extended ? CAN_EFF_MASK : CAN_SFF_MASK)});
  }
  return filters;
}

Result<void> apply_filters(int fd, const std::string& interface,
                           const std::vector<can_filter>& filters) {
  // An empty list (optlen 0) makes the kernel deliver no data frame.
  return set_option(fd, interface, SOL_CAN_RAW, CAN_RAW_FILTER, "CAN_RAW_FILTER",
                    filters.empty() ? nullptr : filters.data(),
                    filters.size() * sizeof(can_filter));
}

// SO_RCVBUFFORCE when permitted (lifts rmem_max), else SO_RCVBUF; then reads back what stuck.
Result<SocketCanOpenReport> set_receive_buffer(int fd, const std::string& interface, int bytes) {
  SocketCanOpenReport report;
  report.requested_receive_buffer = bytes;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    const int error = errno;
    if (error != EPERM) {
      return fail(ErrorCode::kInternal, "{}: setsockopt SO_RCVBUFFORCE: {}", interface,
                  errno_text(error));
    }
    if (auto set = set_option(fd, interface, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", bytes); !set) {
      return tl::unexpected(set.error());
    }
  }
  socklen_t size = sizeof report.receive_buffer;
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &report.receive_buffer, &size) != 0) {
    const int error = errno;
    return fail(ErrorCode::kInternal, "{}: getsockopt SO_RCVBUF: {}", interface, errno_text(error));
  }
  report.receive_buffer_capped = report.receive_buffer / 2 < bytes;
  return report;
}

Result<void> set_receive_options(int fd, const SocketCanOptions& options) {
  const std::string& name = options.interface;
  const int on = 1;
  if (options.fd) {
    if (auto r = set_option(fd, name, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, "CAN_RAW_FD_FRAMES", on);
        !r) {
      return r;
    }
  }
  auto filters = build_filters(name, options.ids, options.receive_all);
  if (!filters) {
    return tl::unexpected(filters.error());
  }
  if (auto r = apply_filters(fd, name, *filters); !r) {
    return r;
  }
  const can_err_mask_t error_mask = CAN_ERR_CRTL | CAN_ERR_BUSOFF | CAN_ERR_RESTARTED;
  if (auto r =
          set_option(fd, name, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, "CAN_RAW_ERR_FILTER", error_mask);
      !r) {
    return r;
  }
  const int stamping = options.hardware_timestamps
                           ? (SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE)
                           : (SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE);
  if (auto r = set_option(fd, name, SOL_SOCKET, SO_TIMESTAMPING, "SO_TIMESTAMPING", stamping); !r) {
    return r;
  }
  return set_option(fd, name, SOL_SOCKET, SO_RXQ_OVFL, "SO_RXQ_OVFL", on);
}

// The interface's index, or why it cannot be used now.
Result<int> interface_index(int fd, const std::string& name) {
  ifreq request{};
  std::memcpy(request.ifr_name, name.data(), name.size());
  if (ioctl(fd, SIOCGIFINDEX, &request) != 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "{}: no such CAN interface: {}", name, errno_text(error));
  }
  const int index = request.ifr_ifindex;
  if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "{}: cannot read interface flags: {}", name,
                errno_text(error));
  }
  if ((request.ifr_flags & IFF_UP) == 0) {
    return fail(ErrorCode::kUnavailable, "{}: interface is down", name);
  }
  return index;
}

}  // namespace

struct SocketCanBus::Buffers {
  explicit Buffers(size_t count) : headers(count), vectors(count), frames(count), control(count) {
    for (size_t i = 0; i < count; ++i) {
      vectors[i].iov_base = &frames[i];
      vectors[i].iov_len = sizeof(canfd_frame);
      msghdr& header = headers[i].msg_hdr;
      header.msg_iov = &vectors[i];
      header.msg_iovlen = 1;
      header.msg_control = control[i].bytes;
    }
  }

  std::vector<mmsghdr> headers;
  std::vector<iovec> vectors;
  std::vector<canfd_frame> frames;
  // Aligned for cmsghdr, as CMSG_FIRSTHDR requires.
  struct alignas(cmsghdr) ControlBuffer {
    unsigned char bytes[kControlBytes];
  };
  std::vector<ControlBuffer> control;
};

SocketCanBus::SocketCanBus(int fd, std::string interface, uint16_t bus, size_t max_batch)
    : socket_(fd),
      interface_(std::move(interface)),
      bus_(bus),
      max_batch_(max_batch),
      buffers_(std::make_unique<Buffers>(max_batch)) {}

SocketCanBus::Socket::Socket(Socket&& other) noexcept : fd(std::exchange(other.fd, -1)) {}

SocketCanBus::Socket& SocketCanBus::Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    Socket closing(std::exchange(fd, std::exchange(other.fd, -1)));
  }
  return *this;
}

SocketCanBus::Socket::~Socket() {
  if (fd >= 0) {
    // Nothing to do about a failed close of a read-only socket: the descriptor is gone anyway.
    static_cast<void>(::close(fd));
  }
}

// Defined here, where Buffers is complete.
SocketCanBus::SocketCanBus(SocketCanBus&& other) noexcept = default;
SocketCanBus& SocketCanBus::operator=(SocketCanBus&& other) noexcept = default;
SocketCanBus::~SocketCanBus() = default;

Result<SocketCanBus> SocketCanBus::open(const SocketCanOptions& options) {
  AG_CHECK(options.max_batch >= 1 && options.max_batch <= kMaxBatch,
           "SocketCanBus::open: max_batch must be 1..kMaxBatch");
  const std::string& name = options.interface;
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return fail(ErrorCode::kFailedPrecondition, "CAN interface name '{}' must be 1..{} bytes long",
                name, IFNAMSIZ - 1);
  }
  if (options.receive_buffer_bytes <= 0) {
    return fail(ErrorCode::kFailedPrecondition, "{}: receive buffer of {} bytes", name,
                options.receive_buffer_bytes);
  }
  const int fd = ::socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
  if (fd < 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable,
                "{}: cannot open a CAN_RAW socket ({}): does the kernel have can and can-raw?",
                name, errno_text(error));
  }
  SocketCanBus bus(fd, name, options.bus, options.max_batch);
  bus.hardware_timestamps_ = options.hardware_timestamps;
  auto index = interface_index(fd, name);
  if (!index) {
    return tl::unexpected(index.error());
  }
  if (auto set = set_receive_options(fd, options); !set) {
    return tl::unexpected(set.error());
  }
  auto report = set_receive_buffer(fd, name, options.receive_buffer_bytes);
  if (!report) {
    return tl::unexpected(report.error());
  }
  bus.report_ = *report;
  sockaddr_can address{};
  address.can_family = AF_CAN;
  address.can_ifindex = *index;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    return fail(error == ENODEV ? ErrorCode::kUnavailable : ErrorCode::kInternal, "{}: bind: {}",
                name, errno_text(error));
  }
  return bus;
}

Result<SocketCanBus> SocketCanBus::adopt_datagram_socket(int fd, std::string name, uint16_t bus,
                                                         size_t max_batch) {
  AG_CHECK(fd >= 0, "SocketCanBus::adopt_datagram_socket: fd must be open");
  AG_CHECK(max_batch >= 1 && max_batch <= kMaxBatch,
           "SocketCanBus::adopt_datagram_socket: max_batch must be 1..kMaxBatch");
  SocketCanBus adopted(fd, std::move(name), bus, max_batch);
  adopted.adopted_ = true;
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    const int error = errno;
    return fail(ErrorCode::kInternal, "{}: cannot make the socket non-blocking: {}",
                adopted.interface_, errno_text(error));
  }
  return adopted;
}

Result<void> SocketCanBus::set_filter(std::span<const uint32_t> ids, bool receive_all) {
  if (adopted_) {
    return fail(ErrorCode::kFailedPrecondition, "{}: an adopted socket has no CAN filter",
                interface_);
  }
  auto filters = build_filters(interface_, ids, receive_all);
  if (!filters) {
    return tl::unexpected(filters.error());
  }
  return apply_filters(socket_.fd, interface_, *filters);
}

Result<size_t> SocketCanBus::read_batch(std::span<CanFrame> out) {
  const size_t wanted = std::min(out.size(), max_batch_);
  if (wanted == 0) {
    return size_t{0};
  }
  for (size_t i = 0; i < wanted; ++i) {
    msghdr& header = buffers_->headers[i].msg_hdr;
    header.msg_controllen = kControlBytes;  // the kernel shrinks it to what it wrote
    header.msg_flags = 0;
  }
  const int received = ::recvmmsg(socket_.fd, buffers_->headers.data(),
                                  static_cast<unsigned>(wanted), MSG_DONTWAIT, nullptr);
  if (received < 0) {
    const int error = errno;
    if (error == EAGAIN || error == EWOULDBLOCK || error == EINTR) {
      return size_t{0};
    }
    if (error == ENETDOWN || error == ENODEV) {
      state_ = BusState::kDown;
      return fail(ErrorCode::kUnavailable, "{}: interface {}", interface_,
                  error == ENETDOWN ? "went down" : "was removed");
    }
    return fail(ErrorCode::kInternal, "{}: recvmmsg: {}", interface_, errno_text(error));
  }
  uint64_t read_time_ns = 0;  // taken once, only for frames without a kernel timestamp
  size_t count = 0;
  for (size_t i = 0; i < static_cast<size_t>(received); ++i) {
    CanFrame& frame = out[count];
    if (!convert(i, frame)) {
      ++rejected_frames_;
      continue;
    }
    frame.t_ns = take_control(i);
    if (frame.t_ns == 0) {
      read_time_ns = read_time_ns != 0 ? read_time_ns : realtime_ns();
      frame.t_ns = read_time_ns;
    }
    if ((frame.flags & CanFrame::kErr) != 0) {
      ++error_frames_;
      track_state(frame);
    }
    ++count;
  }
  return count;
}

bool SocketCanBus::convert(size_t slot, CanFrame& frame) noexcept {
  const mmsghdr& message = buffers_->headers[slot];
  const canfd_frame& raw = buffers_->frames[slot];
  const bool fd = message.msg_len == CANFD_MTU;
  if ((message.msg_hdr.msg_flags & MSG_TRUNC) != 0 || (!fd && message.msg_len != CAN_MTU)) {
    return false;
  }
  if (raw.len > (fd ? CanFrame::kMaxFdLen : CanFrame::kMaxClassicLen)) {
    return false;
  }
  frame.bus = bus_;
  frame.len = raw.len;
  frame.flags = 0;
  frame.len8_dlc = 0;
  if ((raw.can_id & CAN_ERR_FLAG) != 0) {
    frame.id = raw.can_id & CAN_ERR_MASK;
    frame.flags = CanFrame::kErr;
  } else if ((raw.can_id & CAN_EFF_FLAG) != 0) {
    frame.id = (raw.can_id & CAN_EFF_MASK) | CanFrame::kEffFlag;
  } else {
    frame.id = raw.can_id & CAN_SFF_MASK;
  }
  if (fd) {
    frame.flags |= CanFrame::kFd;
    frame.flags |= (raw.flags & CANFD_BRS) != 0 ? CanFrame::kBrs : 0;
    frame.flags |= (raw.flags & CANFD_ESI) != 0 ? CanFrame::kEsi : 0;
  } else {
    // struct can_frame keeps len8_dlc where canfd_frame has __res1.
    const auto& classic = reinterpret_cast<const can_frame&>(raw);
    if (classic.len == CAN_MAX_DLEN && classic.len8_dlc > CAN_MAX_DLEN &&
        classic.len8_dlc <= CAN_MAX_RAW_DLC) {
      frame.len8_dlc = classic.len8_dlc;
    }
    if ((raw.can_id & CAN_RTR_FLAG) != 0 && (raw.can_id & CAN_ERR_FLAG) == 0) {
      frame.flags |= CanFrame::kRtr;
    }
  }
  std::memset(frame.data, 0, sizeof frame.data);
  if ((frame.flags & CanFrame::kRtr) == 0) {
    std::memcpy(frame.data, raw.data, frame.len);
  }
  return true;
}

uint64_t SocketCanBus::take_control(size_t slot) noexcept {
  msghdr& header = buffers_->headers[slot].msg_hdr;
  uint64_t t_ns = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level != SOL_SOCKET) {
      continue;
    }
    if (c->cmsg_type == SO_RXQ_OVFL && c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
      uint32_t count = 0;
      std::memcpy(&count, CMSG_DATA(c), sizeof count);
      // Unsigned difference: correct across the counter's wrap at 2^32.
      kernel_drops_ += static_cast<uint32_t>(count - last_overflow_count_);
      last_overflow_count_ = count;
    } else if (c->cmsg_type == SO_TIMESTAMPING && c->cmsg_len >= CMSG_LEN(sizeof(timespec) * 3)) {
      std::array<timespec, 3> stamps{};
      std::memcpy(stamps.data(), CMSG_DATA(c), sizeof stamps);
      // [0] is the software stamp, [2] the raw hardware one (scm_timestamping).
      t_ns = to_ns(hardware_timestamps_ ? stamps[2] : stamps[0]);
    }
  }
  return t_ns;
}

void SocketCanBus::track_state(const CanFrame& error_frame) noexcept {
  const uint32_t error_class = error_frame.id;
  if ((error_class & CAN_ERR_BUSOFF) != 0) {
    state_ = BusState::kBusOff;
    return;
  }
  if ((error_class & CAN_ERR_RESTARTED) != 0) {
    state_ = BusState::kOk;
  }
  if ((error_class & CAN_ERR_CRTL) != 0) {
    const uint8_t controller = error_frame.data[1];
    if ((controller & (CAN_ERR_CRTL_RX_PASSIVE | CAN_ERR_CRTL_TX_PASSIVE)) != 0) {
      state_ = BusState::kErrorPassive;
    } else if ((controller & CAN_ERR_CRTL_ACTIVE) != 0) {
      state_ = BusState::kOk;
    }
  }
}

}  // namespace autograph::can
