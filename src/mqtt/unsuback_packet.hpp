// UNSUBACK (MQTT 3.1.1 section 3.11): the broker acknowledges an UNSUBSCRIBE.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct UnsubackPacket {
  uint16_t packet_id = 0;

  bool operator==(const UnsubackPacket&) const = default;
};

// Appends the packet; kMalformed for packet id 0.
[[nodiscard]] Result<void> encode_unsuback(const UnsubackPacket& packet, std::vector<uint8_t>& out);

// kMalformed for flags other than 0, a remaining length other than 2, or packet id 0.
[[nodiscard]] Result<UnsubackPacket> decode_unsuback(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
