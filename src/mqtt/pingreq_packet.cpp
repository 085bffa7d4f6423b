#include "mqtt/pingreq_packet.hpp"

#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {

void encode_pingreq(const PingreqPacket& /*packet*/, std::vector<uint8_t>& out) {
  out.push_back(first_byte(PacketType::kPingreq));
  out.push_back(0);
}

Result<PingreqPacket> decode_pingreq(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(decode_empty("PINGREQ", flags, body));
  return PingreqPacket{};
}

}  // namespace autograph::mqtt
