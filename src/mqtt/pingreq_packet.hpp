// PINGREQ (MQTT 3.1.1 section 3.12): the client asks the broker to answer, proving the connection
// alive.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct PingreqPacket {
  bool operator==(const PingreqPacket&) const = default;
};

// Appends the two bytes of the packet.
void encode_pingreq(const PingreqPacket& packet, std::vector<uint8_t>& out);

// kMalformed for flags other than 0 or a remaining length other than 0.
[[nodiscard]] Result<PingreqPacket> decode_pingreq(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
