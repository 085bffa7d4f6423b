#include "mqtt/publish_packet.hpp"

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/topic.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

constexpr std::string_view kPacket = "PUBLISH";
constexpr uint8_t kRetain = 0x01;
constexpr uint8_t kDup = 0x08;

Result<void> check(const PublishPacket& packet) {
  if (packet.qos > 2) {
    return fail(ErrorCode::kMalformed, "{}: QoS {} is not 0, 1 or 2", kPacket, packet.qos);
  }
  if (packet.dup && packet.qos == 0) {
    return fail(ErrorCode::kMalformed, "{}: DUP set on a QoS 0 message", kPacket);
  }
  if (std::string problem = topic_name_problem(packet.topic); !problem.empty()) {
    return fail(ErrorCode::kMalformed, "{}: topic name: {}", kPacket, problem);
  }
  if (packet.qos > 0) {
    MQTT_TRY(expect_packet_id(kPacket, packet.packet_id));
  }
  return {};
}

}  // namespace

Result<void> encode_publish(const PublishPacket& packet, std::vector<uint8_t>& out) {
  MQTT_TRY(check(packet));
  std::vector<uint8_t> body;
  body.reserve(packet.topic.size() + packet.payload.size() + 4);
  ByteWriter writer(body, kPacket);
  MQTT_TRY(writer.utf8(packet.topic, "topic name"));
  if (packet.qos > 0) {
    writer.u16(packet.packet_id);
  }
  writer.bytes(packet.payload);
  const auto flags = static_cast<uint8_t>((packet.dup ? kDup : 0) | (packet.qos << 1) |
                                          (packet.retain ? kRetain : 0));
  return append_packet(out, first_byte(PacketType::kPublish, flags), body, kPacket);
}

Result<PublishPacket> decode_publish(uint8_t flags, std::span<const uint8_t> body) {
  PublishPacket packet;
  packet.qos = static_cast<uint8_t>((flags >> 1) & 0x03);
  packet.dup = (flags & kDup) != 0;
  packet.retain = (flags & kRetain) != 0;
  if (packet.qos == 3) {
    return fail(ErrorCode::kMalformed, "{}: fixed-header flags: QoS 3", kPacket);
  }
  ByteReader reader(body, kPacket);
  MQTT_TRY_ASSIGN(packet.topic, reader.utf8("topic name"));
  if (packet.qos > 0) {
    MQTT_TRY_ASSIGN(packet.packet_id, reader.u16("packet identifier"));
  }
  MQTT_TRY(check(packet));
  const auto payload = reader.rest();
  packet.payload.assign(payload.begin(), payload.end());
  return packet;
}

}  // namespace autograph::mqtt
