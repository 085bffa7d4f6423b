#include "mqtt/unsubscribe_packet.hpp"

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/topic.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

constexpr std::string_view kPacket = "UNSUBSCRIBE";
constexpr uint8_t kFlags = 0x02;  // fixed by section 3.10.1

Result<void> check_filter(std::string_view filter, size_t index) {
  if (std::string problem = topic_filter_problem(filter); !problem.empty()) {
    return fail(ErrorCode::kMalformed, "{}: topic filter {}: {}", kPacket, index, problem);
  }
  return {};
}

}  // namespace

Result<void> encode_unsubscribe(const UnsubscribePacket& packet, std::vector<uint8_t>& out) {
  MQTT_TRY(expect_packet_id(kPacket, packet.packet_id));
  if (packet.filters.empty()) {
    return fail(ErrorCode::kMalformed, "{}: no topic filters", kPacket);
  }
  std::vector<uint8_t> body;
  ByteWriter writer(body, kPacket);
  writer.u16(packet.packet_id);
  for (size_t i = 0; i < packet.filters.size(); ++i) {
    MQTT_TRY(check_filter(packet.filters[i], i));
    MQTT_TRY(writer.utf8(packet.filters[i], "topic filter"));
  }
  return append_packet(out, first_byte(PacketType::kUnsubscribe, kFlags), body, kPacket);
}

Result<UnsubscribePacket> decode_unsubscribe(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(expect_flags(kPacket, flags, kFlags));
  ByteReader reader(body, kPacket);
  UnsubscribePacket packet;
  MQTT_TRY_ASSIGN(packet.packet_id, reader.u16("packet identifier"));
  MQTT_TRY(expect_packet_id(kPacket, packet.packet_id));
  if (reader.remaining() == 0) {
    return fail(ErrorCode::kMalformed, "{}: no topic filters", kPacket);
  }
  while (reader.remaining() > 0) {
    MQTT_TRY_ASSIGN(std::string filter, reader.utf8("topic filter"));
    MQTT_TRY(check_filter(filter, packet.filters.size()));
    packet.filters.push_back(std::move(filter));
  }
  return packet;
}

}  // namespace autograph::mqtt
