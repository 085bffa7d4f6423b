// PINGRESP (MQTT 3.1.1 section 3.13): the broker's answer to PINGREQ.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct PingrespPacket {
  bool operator==(const PingrespPacket&) const = default;
};

// Appends the two bytes of the packet.
void encode_pingresp(const PingrespPacket& packet, std::vector<uint8_t>& out);

// kMalformed for flags other than 0 or a remaining length other than 0.
[[nodiscard]] Result<PingrespPacket> decode_pingresp(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
