#include "mqtt/disconnect_packet.hpp"

#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {

void encode_disconnect(const DisconnectPacket& /*packet*/, std::vector<uint8_t>& out) {
  out.push_back(first_byte(PacketType::kDisconnect));
  out.push_back(0);
}

Result<DisconnectPacket> decode_disconnect(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(decode_empty("DISCONNECT", flags, body));
  return DisconnectPacket{};
}

}  // namespace autograph::mqtt
