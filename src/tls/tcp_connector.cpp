#include "tls/tcp_connector.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace autograph::tls {
namespace {

// strerror() is not thread-safe; the error category's message is.
std::string errno_text(int error) { return std::system_category().message(error); }

}  // namespace

TcpConnector::~TcpConnector() { reset(); }

void TcpConnector::reset() noexcept {
  if (fd_ >= 0) {
    (void)::close(fd_);  // nothing to do about a failed close of a socket being abandoned
    fd_ = -1;
  }
  if (addresses_ != nullptr) {
    freeaddrinfo(addresses_);
    addresses_ = nullptr;
  }
  current_ = nullptr;
}

int TcpConnector::release() noexcept {
  const int fd = fd_;
  fd_ = -1;
  reset();
  return fd;
}

Result<void> TcpConnector::start(const std::string& host, uint16_t port) {
  reset();
  peer_ = fmt::format("{}:{}", host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses_);
  if (rc != 0) {
    addresses_ = nullptr;
    return fail(ErrorCode::kUnavailable, "{}: cannot resolve host name: {}", peer_,
                gai_strerror(rc));
  }
  current_ = nullptr;
  return try_next(0);
}

Result<void> TcpConnector::try_next(int last_errno) {
  if (fd_ >= 0) {
    (void)::close(fd_);  // nothing to do about a failed close of a socket being abandoned
    fd_ = -1;
  }
  for (current_ = current_ == nullptr ? addresses_ : current_->ai_next; current_ != nullptr;
       current_ = current_->ai_next) {
    fd_ = ::socket(current_->ai_family, current_->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   current_->ai_protocol);
    if (fd_ < 0) {
      last_errno = errno;
      continue;
    }
    if (::connect(fd_, current_->ai_addr, current_->ai_addrlen) == 0 || errno == EINPROGRESS) {
      return {};
    }
    last_errno = errno;
    (void)::close(fd_);  // nothing to do about a failed close of a socket being abandoned
    fd_ = -1;
  }
  return fail(ErrorCode::kUnavailable, "{}: connect: {}", peer_,
              last_errno != 0 ? errno_text(last_errno) : "no usable address");
}

Result<bool> TcpConnector::advance() {
  if (fd_ < 0) {
    return fail(ErrorCode::kUnavailable, "{}: connect: no attempt in progress", peer_);
  }
  pollfd pfd{fd_, POLLOUT, 0};
  const int ready = ::poll(&pfd, 1, 0);
  if (ready < 0 && errno != EINTR) {
    return fail(ErrorCode::kInternal, "{}: poll: {}", peer_, errno_text(errno));
  }
  if (ready <= 0) {
    return false;
  }
  int error = 0;
  socklen_t length = sizeof(error);
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
    error = errno;
  }
  if (error != 0) {
    if (auto next = try_next(error); !next) {
      return tl::unexpected(next.error());
    }
    return false;
  }
  // MQTT packets are small and latency matters more than packing them.
  const int one = 1;
  if (::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    return fail(ErrorCode::kInternal, "{}: setsockopt(TCP_NODELAY): {}", peer_, errno_text(errno));
  }
  return true;
}

}  // namespace autograph::tls
