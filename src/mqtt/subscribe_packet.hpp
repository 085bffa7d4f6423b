// SUBSCRIBE (MQTT 3.1.1 section 3.8): the client asks for messages on topic filters.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct Subscription {
  std::string filter;
  uint8_t qos = 1;  // the maximum QoS requested, 0..2

  bool operator==(const Subscription&) const = default;
};

struct SubscribePacket {
  uint16_t packet_id = 0;
  std::vector<Subscription> subscriptions;  // at least one

  bool operator==(const SubscribePacket&) const = default;
};

// Appends the packet (fixed-header flags 0b0010). kMalformed for packet id 0, no subscriptions,
// an invalid filter or a QoS above 2.
[[nodiscard]] Result<void> encode_subscribe(const SubscribePacket& packet,
                                            std::vector<uint8_t>& out);

// kMalformed for flags other than 0b0010, packet id 0, an empty payload, an invalid filter, a
// requested-QoS byte with reserved bits or QoS 3, or a truncated entry.
[[nodiscard]] Result<SubscribePacket> decode_subscribe(uint8_t flags,
                                                       std::span<const uint8_t> body);

}  // namespace autograph::mqtt
