// Transport: the byte stream under the MQTT session, the one virtual boundary between the
// protocol and the network. TlsTransport is the implementation; tests may wrap it to inject
// faults.
//
// Rules for every implementation: non-blocking (no call waits for the network; the caller polls
// fd() for interest() and calls again), one connection at a time, reusable (open() after close()
// starts a fresh connection), and nothing goes out in clear text: read/write work only once
// advance() has returned true.
//
// Thread: a Transport is owned and used by one thread (the publisher thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "autograph/result.hpp"

namespace autograph::tls {

// What the transport waits for before the call that returned "not now" can make progress.
enum class Interest : uint8_t { kRead, kWrite };

class Transport {
 public:
  virtual ~Transport() = default;

  // Starts a new connection to the configured peer, closing any previous one first. Returns at
  // once; drive it with advance(). kUnavailable when the name can't be resolved or no socket
  // can be created (retry later).
  [[nodiscard]] virtual Result<void> open() = 0;

  // Drives connection set-up. Returns true once the connection is ready for read/write, false
  // while it must wait (poll fd() for interest(), then call again). kUnavailable when the peer
  // refuses or drops the connection (retry with back-off); kFailedPrecondition when the peer's
  // certificate fails verification or the peer refuses ours (fix the configuration first).
  // The connection is closed after any error.
  [[nodiscard]] virtual Result<bool> advance() = 0;

  // Reads up to data.size() bytes into `data`. Returns how many, 0 when none are available now
  // (poll for interest()). kUnavailable when the peer closed or the connection broke;
  // kFailedPrecondition when called before advance() returned true.
  [[nodiscard]] virtual Result<size_t> read(std::span<uint8_t> data) = 0;

  // Writes a prefix of `data` and returns its size; 0 when nothing can be written now (poll for
  // interest()). After a return of 0 the next call must pass the same leading bytes again
  // (encrypted records are built once). Errors as for read().
  [[nodiscard]] virtual Result<size_t> write(std::span<const uint8_t> data) = 0;

  // Closes the connection (a TLS close_notify, best effort, without waiting). Safe at any time,
  // repeatedly.
  virtual void close() noexcept = 0;

  // The socket to poll, or -1 when there is no connection.
  virtual int fd() const noexcept = 0;
  virtual Interest interest() const noexcept = 0;

  // "host:port", for messages.
  virtual const std::string& peer() const noexcept = 0;
};

}  // namespace autograph::tls
