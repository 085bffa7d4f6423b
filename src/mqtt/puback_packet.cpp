#include "mqtt/puback_packet.hpp"

#include "mqtt/byte_writer.hpp"
#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {
constexpr std::string_view kPacket = "PUBACK";
}  // namespace

Result<void> encode_puback(const PubackPacket& packet, std::vector<uint8_t>& out) {
  MQTT_TRY(expect_packet_id(kPacket, packet.packet_id));
  const uint8_t body[2] = {static_cast<uint8_t>(packet.packet_id >> 8),
                           static_cast<uint8_t>(packet.packet_id & 0xFF)};
  return append_packet(out, first_byte(PacketType::kPuback), body, kPacket);
}

Result<PubackPacket> decode_puback(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY_ASSIGN(const uint16_t id, decode_packet_id_only(kPacket, flags, body));
  return PubackPacket{id};
}

}  // namespace autograph::mqtt
