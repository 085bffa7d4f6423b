#include "mqtt/packet_rules.hpp"

#include "mqtt/byte_reader.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {

Result<void> expect_flags(std::string_view packet, uint8_t flags, uint8_t expected) {
  if (flags != expected) {
    return fail(ErrorCode::kMalformed, "{}: reserved fixed-header flags 0x{:x} are not 0x{:x}",
                packet, flags, expected);
  }
  return {};
}

Result<void> expect_packet_id(std::string_view packet, uint16_t id) {
  if (id == 0) {
    return fail(ErrorCode::kMalformed, "{}: packet identifier is 0", packet);
  }
  return {};
}

Result<uint16_t> decode_packet_id_only(std::string_view packet, uint8_t flags,
                                       std::span<const uint8_t> body) {
  MQTT_TRY(expect_flags(packet, flags, 0));
  if (body.size() != 2) {
    return fail(ErrorCode::kMalformed, "{}: remaining length {} is not 2", packet, body.size());
  }
  ByteReader reader(body, packet);
  MQTT_TRY_ASSIGN(const uint16_t id, reader.u16("packet identifier"));
  MQTT_TRY(expect_packet_id(packet, id));
  return id;
}

Result<void> decode_empty(std::string_view packet, uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(expect_flags(packet, flags, 0));
  if (!body.empty()) {
    return fail(ErrorCode::kMalformed, "{}: remaining length {} is not 0", packet, body.size());
  }
  return {};
}

}  // namespace autograph::mqtt
