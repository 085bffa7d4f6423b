// PUBACK (MQTT 3.1.1 section 3.4): acknowledges a QoS 1 PUBLISH, in both directions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct PubackPacket {
  uint16_t packet_id = 0;

  bool operator==(const PubackPacket&) const = default;
};

// Appends the packet; kMalformed for packet id 0.
[[nodiscard]] Result<void> encode_puback(const PubackPacket& packet, std::vector<uint8_t>& out);

// kMalformed for flags other than 0, a remaining length other than 2, or packet id 0.
[[nodiscard]] Result<PubackPacket> decode_puback(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
