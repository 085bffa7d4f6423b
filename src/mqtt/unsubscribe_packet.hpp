// UNSUBSCRIBE (MQTT 3.1.1 section 3.10): the client drops topic filters.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct UnsubscribePacket {
  uint16_t packet_id = 0;
  std::vector<std::string> filters;  // at least one

  bool operator==(const UnsubscribePacket&) const = default;
};

// Appends the packet (fixed-header flags 0b0010). kMalformed for packet id 0, no filters or an
// invalid filter.
[[nodiscard]] Result<void> encode_unsubscribe(const UnsubscribePacket& packet,
                                              std::vector<uint8_t>& out);

// kMalformed for flags other than 0b0010, packet id 0, no filters, or an invalid filter.
[[nodiscard]] Result<UnsubscribePacket> decode_unsubscribe(uint8_t flags,
                                                           std::span<const uint8_t> body);

}  // namespace autograph::mqtt
