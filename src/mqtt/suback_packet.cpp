#include "mqtt/suback_packet.hpp"

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

constexpr std::string_view kPacket = "SUBACK";

Result<void> check(const SubackPacket& packet) {
  MQTT_TRY(expect_packet_id(kPacket, packet.packet_id));
  if (packet.return_codes.empty()) {
    return fail(ErrorCode::kMalformed, "{}: no return codes", kPacket);
  }
  for (size_t i = 0; i < packet.return_codes.size(); ++i) {
    const uint8_t code = packet.return_codes[i];
    if (code > 2 && code != kSubackFailure) {
      return fail(ErrorCode::kMalformed, "{}: return code {} is 0x{:x}, not 0..2 or 0x80", kPacket,
                  i, code);
    }
  }
  return {};
}

}  // namespace

Result<void> encode_suback(const SubackPacket& packet, std::vector<uint8_t>& out) {
  MQTT_TRY(check(packet));
  std::vector<uint8_t> body;
  ByteWriter writer(body, kPacket);
  writer.u16(packet.packet_id);
  writer.bytes(packet.return_codes);
  return append_packet(out, first_byte(PacketType::kSuback), body, kPacket);
}

Result<SubackPacket> decode_suback(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(expect_flags(kPacket, flags, 0));
  ByteReader reader(body, kPacket);
  SubackPacket packet;
  MQTT_TRY_ASSIGN(packet.packet_id, reader.u16("packet identifier"));
  const auto codes = reader.rest();
  packet.return_codes.assign(codes.begin(), codes.end());
  MQTT_TRY(check(packet));
  return packet;
}

}  // namespace autograph::mqtt
