#include "mqtt/pingresp_packet.hpp"

#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {

void encode_pingresp(const PingrespPacket& /*packet*/, std::vector<uint8_t>& out) {
  out.push_back(first_byte(PacketType::kPingresp));
  out.push_back(0);
}

Result<PingrespPacket> decode_pingresp(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(decode_empty("PINGRESP", flags, body));
  return PingrespPacket{};
}

}  // namespace autograph::mqtt
