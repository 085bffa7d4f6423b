// SUBACK (MQTT 3.1.1 section 3.9): the broker grants (or refuses) each requested subscription.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

// Return code for a refused subscription.
inline constexpr uint8_t kSubackFailure = 0x80;

struct SubackPacket {
  uint16_t packet_id = 0;
  std::vector<uint8_t> return_codes;  // one per filter: granted QoS 0..2 or kSubackFailure

  bool operator==(const SubackPacket&) const = default;
};

// Appends the packet (a broker's; for tests). kMalformed for packet id 0, no return codes or a
// code other than 0, 1, 2, 0x80.
[[nodiscard]] Result<void> encode_suback(const SubackPacket& packet, std::vector<uint8_t>& out);

// kMalformed for flags other than 0, packet id 0, no return codes, or an invalid return code.
[[nodiscard]] Result<SubackPacket> decode_suback(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
