// TcpConnector: a non-blocking TCP connection attempt to host:port, trying each address the
// name resolves to in turn.
//
// Name resolution (getaddrinfo) blocks; endpoints are few and resolved once per connection
// attempt, and the publisher thread is the only one that waits on it.
//
// Thread: owned and used by one thread.
#pragma once

#include <netdb.h>

#include <cstdint>
#include <string>

#include "autograph/result.hpp"

namespace autograph::tls {

class TcpConnector {
 public:
  TcpConnector() = default;
  TcpConnector(const TcpConnector&) = delete;
  TcpConnector& operator=(const TcpConnector&) = delete;
  ~TcpConnector();

  // Resolves `host` and starts connecting to the first address. kUnavailable, naming the peer,
  // when the name doesn't resolve or no address can be tried.
  [[nodiscard]] Result<void> start(const std::string& host, uint16_t port);

  // Returns true once connected (take the socket with release()), false while still connecting
  // (poll fd() for writability). kUnavailable naming the peer and the reason when every
  // address failed.
  [[nodiscard]] Result<bool> advance();

  // The socket being connected, or -1.
  int fd() const noexcept { return fd_; }

  // Hands over the connected socket (non-blocking, close-on-exec, TCP_NODELAY); the caller
  // closes it. Returns -1 when there is none.
  int release() noexcept;

  // Abandons the attempt and closes the socket.
  void reset() noexcept;

 private:
  // Starts connecting to the next address; kUnavailable when none is left.
  [[nodiscard]] Result<void> try_next(int last_errno);

  std::string peer_;
  addrinfo* addresses_ = nullptr;  // owned; freed by reset()
  addrinfo* current_ = nullptr;
  int fd_ = -1;
};

}  // namespace autograph::tls
