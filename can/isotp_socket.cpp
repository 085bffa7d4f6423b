// IsoTpSocket over the kernel's CAN_ISOTP (see the header). Platform code: Linux only.
#include "autograph/can/isotp_socket.hpp"

#include <fmt/format.h>
#include <linux/can.h>
#include <linux/can/isotp.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace autograph::can {
namespace {

std::string errno_text(int error) { return std::system_category().message(error); }

std::string id_text(uint32_t id) {
  return (id & CAN_EFF_FLAG) != 0 ? fmt::format("{:08X}", id & CAN_EFF_MASK)
                                  : fmt::format("{:03X}", id);
}

template <typename T>
Result<void> set_option(int fd, const std::string& name, int option, const char* option_name,
                        const T& value) {
  if (setsockopt(fd, SOL_CAN_ISOTP, option, &value, sizeof value) != 0) {
    const int error = errno;
    return fail(ErrorCode::kInternal, "{}: setsockopt {}: {}", name, option_name,
                errno_text(error));
  }
  return {};
}

Result<void> configure(int fd, const IsoTpOptions& options, const std::string& name) {
  can_isotp_options opts{};
  opts.flags = options.sf_broadcast ? CAN_ISOTP_SF_BROADCAST : 0u;
  if (options.padding) {
    opts.flags |= CAN_ISOTP_TX_PADDING;
    opts.txpad_content = options.pad_byte;
  }
  if (auto set = set_option(fd, name, CAN_ISOTP_OPTS, "CAN_ISOTP_OPTS", opts); !set) {
    return set;
  }
  can_isotp_fc_options fc{};
  fc.bs = options.block_size;
  fc.stmin = options.stmin;
  return set_option(fd, name, CAN_ISOTP_RECV_FC, "CAN_ISOTP_RECV_FC", fc);
}

}  // namespace

Result<IsoTpSocket> IsoTpSocket::open(const IsoTpOptions& options) {
  std::string name =
      fmt::format("{} {}->{}", options.interface, id_text(options.tx_id), id_text(options.rx_id));
  const unsigned index = if_nametoindex(options.interface.c_str());
  if (index == 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "{}: no such interface: {}", name, errno_text(error));
  }
  const int fd = ::socket(PF_CAN, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_ISOTP);
  if (fd < 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "{}: no CAN_ISOTP socket (modprobe can-isotp?): {}", name,
                errno_text(error));
  }
  IsoTpSocket socket(fd, std::move(name));
  if (auto configured = configure(fd, options, socket.name_); !configured) {
    return tl::unexpected(configured.error());
  }
  sockaddr_can address{};
  address.can_family = AF_CAN;
  address.can_ifindex = static_cast<int>(index);
  address.can_addr.tp.tx_id = options.tx_id;
  address.can_addr.tp.rx_id = options.rx_id;
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "{}: bind: {}", socket.name_, errno_text(error));
  }
  return socket;
}

IsoTpSocket::IsoTpSocket(IsoTpSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)) {}

IsoTpSocket& IsoTpSocket::operator=(IsoTpSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      static_cast<void>(::close(fd_));
    }
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
  }
  return *this;
}

IsoTpSocket::~IsoTpSocket() {
  if (fd_ >= 0) {
    static_cast<void>(::close(fd_));
  }
}

Result<void> IsoTpSocket::send(std::span<const uint8_t> payload) {
  if (payload.empty() || payload.size() > kMaxMessageSize) {
    return fail(ErrorCode::kFailedPrecondition, "{}: message of {} bytes; ISO-TP takes 1 to {}",
                name_, payload.size(), kMaxMessageSize);
  }
  const ssize_t sent = ::write(fd_, payload.data(), payload.size());
  if (sent == static_cast<ssize_t>(payload.size())) {
    return {};
  }
  const int error = sent < 0 ? errno : EIO;
  return fail(ErrorCode::kUnavailable, "{}: send: {}", name_, errno_text(error));
}

Result<size_t> IsoTpSocket::receive(std::span<uint8_t, kMaxMessageSize> buffer) {
  const ssize_t got = ::read(fd_, buffer.data(), buffer.size());
  if (got >= 0) {
    return static_cast<size_t>(got);
  }
  const int error = errno;
  switch (error) {
    case EAGAIN:
      return size_t{0};
    case EILSEQ:
      return fail(ErrorCode::kMalformed, "{}: wrong sequence number in a consecutive frame", name_);
    case EBADMSG:
      return fail(ErrorCode::kMalformed, "{}: bad frame length or padding", name_);
    case ETIMEDOUT:
      return fail(ErrorCode::kUnavailable, "{}: timeout waiting for a consecutive frame", name_);
    case ECOMM:
      return fail(ErrorCode::kUnavailable, "{}: no flow control for our message in time", name_);
    case EMSGSIZE:
      return fail(ErrorCode::kUnavailable, "{}: the receiver's flow control refused our message",
                  name_);
    default:
      break;
  }
  return fail(ErrorCode::kUnavailable, "{}: receive: {}", name_, errno_text(error));
}

}  // namespace autograph::can
