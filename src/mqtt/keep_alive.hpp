// KeepAlive: when the session must send PINGREQ, and when a missing PINGRESP means the
// connection is dead (MQTT 3.1.1 section 3.1.2.10).
//
// The keep-alive interval counts from the last packet the client sent; a PINGREQ goes out once
// the interval passes without one. The connection counts as lost when the PINGRESP hasn't come
// `timeout` after the PINGREQ: a half-open TCP connection on a cellular link otherwise looks
// alive for many minutes.
//
// Thread: owned and used by one thread. Times are the session Clock's.
#pragma once

#include <chrono>
#include <optional>

namespace autograph::mqtt {

class KeepAlive {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class Due { kNothing, kSendPing, kTimedOut };

  // `interval` 0 turns PINGREQ off.
  KeepAlive(std::chrono::seconds interval, std::chrono::milliseconds timeout) noexcept
      : interval_(interval), timeout_(timeout) {}

  // A new connection: nothing sent yet, no PINGREQ outstanding.
  void restart(TimePoint now) noexcept {
    last_sent_ = now;
    ping_sent_.reset();
  }
  // Any packet was handed to the connection.
  void on_sent(TimePoint now) noexcept { last_sent_ = now; }
  void on_pingresp() noexcept { ping_sent_.reset(); }

  // What is due at `now`. kSendPing also records the PINGREQ as sent at `now`.
  Due due(TimePoint now) noexcept;

  // When due() will next return something other than kNothing, or nullopt when never.
  std::optional<TimePoint> next_deadline() const noexcept;

 private:
  std::chrono::seconds interval_;
  std::chrono::milliseconds timeout_;
  TimePoint last_sent_{};
  std::optional<TimePoint> ping_sent_;
};

}  // namespace autograph::mqtt
