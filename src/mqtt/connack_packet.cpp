#include "mqtt/connack_packet.hpp"

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

constexpr std::string_view kPacket = "CONNACK";

Result<void> check(const ConnackPacket& packet) {
  if (packet.return_code > 5) {
    return fail(ErrorCode::kMalformed, "{}: return code {} is not 0..5", kPacket,
                packet.return_code);
  }
  if (packet.session_present && packet.return_code != 0) {
    return fail(ErrorCode::kMalformed, "{}: session present with refusal code {}", kPacket,
                packet.return_code);
  }
  return {};
}

}  // namespace

std::string_view connack_reason(uint8_t return_code) noexcept {
  switch (return_code) {
    case 0:
      return "accepted";
    case 1:
      return "unacceptable protocol version";
    case 2:
      return "client identifier rejected";
    case 3:
      return "server unavailable";
    case 4:
      return "bad user name or password";
    case 5:
      return "not authorized";
    default:
      return "unknown return code";
  }
}

Result<void> encode_connack(const ConnackPacket& packet, std::vector<uint8_t>& out) {
  MQTT_TRY(check(packet));
  const uint8_t body[2] = {static_cast<uint8_t>(packet.session_present ? 1 : 0),
                           packet.return_code};
  return append_packet(out, first_byte(PacketType::kConnack), body, kPacket);
}

Result<ConnackPacket> decode_connack(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(expect_flags(kPacket, flags, 0));
  if (body.size() != 2) {
    return fail(ErrorCode::kMalformed, "{}: remaining length {} is not 2", kPacket, body.size());
  }
  ByteReader reader(body, kPacket);
  MQTT_TRY_ASSIGN(const uint8_t ack_flags, reader.u8("acknowledge flags"));
  if ((ack_flags & 0xFE) != 0) {
    return fail(ErrorCode::kMalformed, "{}: acknowledge flags: reserved bits 0x{:x} are set",
                kPacket, ack_flags & 0xFE);
  }
  ConnackPacket packet;
  packet.session_present = (ack_flags & 0x01) != 0;
  MQTT_TRY_ASSIGN(packet.return_code, reader.u8("return code"));
  MQTT_TRY(check(packet));
  return packet;
}

}  // namespace autograph::mqtt
