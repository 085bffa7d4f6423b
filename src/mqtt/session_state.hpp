// SessionState: where a Session is in its connection life cycle.
#pragma once

#include <cstdint>
#include <string_view>

namespace autograph::mqtt {

enum class SessionState : uint8_t {
  kIdle,             // constructed, start() not called
  kWaitingToRetry,   // disconnected; the next attempt is scheduled
  kConnecting,       // TCP connect and TLS handshake
  kAwaitingConnack,  // CONNECT sent
  kConnected,
  kDisconnecting,  // DISCONNECT queued, flushing
  kStopped,
};

// The state in words, as logged ("awaiting CONNACK").
std::string_view to_string(SessionState state) noexcept;

}  // namespace autograph::mqtt
