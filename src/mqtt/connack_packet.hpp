// CONNACK (MQTT 3.1.1 section 3.2): the broker's answer to CONNECT.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct ConnackPacket {
  bool session_present = false;
  uint8_t return_code = 0;  // 0 accepted, 1..5 refused (connack_reason says why)

  bool operator==(const ConnackPacket&) const = default;
};

// The return code in words ("accepted", "bad user name or password", ...).
std::string_view connack_reason(uint8_t return_code) noexcept;

// Appends the packet (a broker's; for tests). kMalformed for a return code above 5 or session
// present with a refusal.
[[nodiscard]] Result<void> encode_connack(const ConnackPacket& packet, std::vector<uint8_t>& out);

// kMalformed for flags other than 0, a remaining length other than 2, reserved acknowledge-flag
// bits, a return code above 5, or session present with a non-zero return code.
[[nodiscard]] Result<ConnackPacket> decode_connack(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
