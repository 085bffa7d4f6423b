// CONNECT (MQTT 3.1.1 section 3.1): the first packet a client sends on a connection.
//
// encode_connect is what the client sends; decode_connect exists for tests and fuzzing, with the
// same strictness a broker applies. Both are pure functions of their arguments.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

// The message the broker publishes for the client when the connection ends without DISCONNECT
// (the "offline" status).
struct Will {
  std::string topic;
  std::vector<uint8_t> payload;
  uint8_t qos = 1;  // 0..2
  bool retain = true;

  bool operator==(const Will&) const = default;
};

struct ConnectPacket {
  std::string client_id;
  bool clean_session = true;
  uint16_t keep_alive_s = 60;  // seconds; 0 turns keep-alive off
  std::optional<Will> will;
  std::optional<std::string> username;
  std::optional<std::vector<uint8_t>> password;  // only with a username (MQTT 3.1.1)

  bool operator==(const ConnectPacket&) const = default;
};

// Appends the encoded packet to `out`. kMalformed (naming the field) for an invalid client id,
// will topic or username, a will QoS above 2, a password without a username, or fields that
// exceed their length limits; nothing is appended on error.
[[nodiscard]] Result<void> encode_connect(const ConnectPacket& packet, std::vector<uint8_t>& out);

// Decodes a CONNECT from its fixed-header flags (low nibble) and its body (exactly the remaining
// length). kMalformed naming the field for any rule broken.
[[nodiscard]] Result<ConnectPacket> decode_connect(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
