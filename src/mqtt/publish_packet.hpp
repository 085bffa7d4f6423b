// PUBLISH (MQTT 3.1.1 section 3.3): application messages in both directions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

struct PublishPacket {
  std::string topic;
  std::vector<uint8_t> payload;
  uint8_t qos = 0;  // 0 or 1 here; 2 decodes but the session never requests it
  bool retain = false;
  bool dup = false;        // a resend of a QoS > 0 message
  uint16_t packet_id = 0;  // non-zero when qos > 0, absent from the wire when qos == 0

  bool operator==(const PublishPacket&) const = default;
};

// Appends the packet. kMalformed for an invalid topic (empty, bad UTF-8, wildcards), QoS above
// 2, DUP with QoS 0, packet id 0 with QoS > 0, or a packet past the size limit.
[[nodiscard]] Result<void> encode_publish(const PublishPacket& packet, std::vector<uint8_t>& out);

// kMalformed for QoS 3, DUP with QoS 0, an invalid or wildcard topic, or packet id 0 with
// QoS > 0; the rest of the body is the payload (it may be empty).
[[nodiscard]] Result<PublishPacket> decode_publish(uint8_t flags, std::span<const uint8_t> body);

}  // namespace autograph::mqtt
