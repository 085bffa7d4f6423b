// DISCONNECT (MQTT 3.1.1 section 3.14): the client's clean goodbye; the broker then discards the
// will.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct DisconnectPacket {
  bool operator==(const DisconnectPacket&) const = default;
};

// Appends the two bytes of the packet.
void encode_disconnect(const DisconnectPacket& packet, std::vector<uint8_t>& out);

// kMalformed for flags other than 0 or a remaining length other than 0.
[[nodiscard]] Result<DisconnectPacket> decode_disconnect(uint8_t flags,
                                                         std::span<const uint8_t> body);

}  // namespace autograph::mqtt
