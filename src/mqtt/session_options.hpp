// SessionOptions: how a Session connects and behaves, and the CONNECT packet they make.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "mqtt/connect_packet.hpp"
#include "mqtt/reconnect_backoff.hpp"

namespace autograph::mqtt {

struct SessionOptions {
  std::string client_id;  // the device address by default (the caller fills it in)
  std::optional<std::string> username;
  std::optional<std::string> password;                // never logged
  std::optional<Will> will;                           // e.g. "offline" on the device's status topic
  std::chrono::seconds keep_alive{30};                // 0: no PINGREQ
  std::chrono::milliseconds ping_timeout{10'000};     // PINGREQ to PINGRESP
  std::chrono::milliseconds connect_timeout{15'000};  // TCP + TLS + CONNACK
  // false: the broker keeps the session (subscriptions, QoS 1 messages queued for us) while
  // the link is down, which is what a flaky cellular link needs.
  bool clean_session = false;
  size_t max_in_flight = 32;          // QoS 1 messages awaiting PUBACK
  size_t max_packet_bytes = 1 << 20;  // largest packet accepted from the broker
  size_t max_queued_bytes = 4 << 20;  // bytes waiting for the socket (QoS 0 is refused past)
  BackoffOptions backoff;
};

// The CONNECT packet for `options` (keep-alive capped at 65,535 s, the field's range).
ConnectPacket connect_packet_for(const SessionOptions& options);

}  // namespace autograph::mqtt
