#include "mqtt/session_state.hpp"

namespace autograph::mqtt {

std::string_view to_string(SessionState state) noexcept {
  switch (state) {
    case SessionState::kIdle:
      return "idle";
    case SessionState::kWaitingToRetry:
      return "waiting to retry";
    case SessionState::kConnecting:
      return "connecting";
    case SessionState::kAwaitingConnack:
      return "awaiting CONNACK";
    case SessionState::kConnected:
      return "connected";
    case SessionState::kDisconnecting:
      return "disconnecting";
    case SessionState::kStopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace autograph::mqtt
