#include "mqtt/keep_alive.hpp"

namespace autograph::mqtt {

KeepAlive::Due KeepAlive::due(TimePoint now) noexcept {
  if (ping_sent_) {
    return now - *ping_sent_ >= timeout_ ? Due::kTimedOut : Due::kNothing;
  }
  if (interval_.count() > 0 && now - last_sent_ >= interval_) {
    ping_sent_ = now;
    last_sent_ = now;
    return Due::kSendPing;
  }
  return Due::kNothing;
}

std::optional<KeepAlive::TimePoint> KeepAlive::next_deadline() const noexcept {
  if (ping_sent_) {
    return *ping_sent_ + timeout_;
  }
  if (interval_.count() > 0) {
    return last_sent_ + interval_;
  }
  return std::nullopt;
}

}  // namespace autograph::mqtt
