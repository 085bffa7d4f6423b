#include "mqtt/subscribe_packet.hpp"

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/packet_rules.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/topic.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

constexpr std::string_view kPacket = "SUBSCRIBE";
constexpr uint8_t kFlags = 0x02;  // fixed by section 3.8.1

Result<void> check(const Subscription& subscription, size_t index) {
  if (std::string problem = topic_filter_problem(subscription.filter); !problem.empty()) {
    return fail(ErrorCode::kMalformed, "{}: topic filter {}: {}", kPacket, index, problem);
  }
  if (subscription.qos > 2) {
    return fail(ErrorCode::kMalformed, "{}: topic filter {}: requested QoS {} is not 0..2", kPacket,
                index, subscription.qos);
  }
  return {};
}

}  // namespace

Result<void> encode_subscribe(const SubscribePacket& packet, std::vector<uint8_t>& out) {
  MQTT_TRY(expect_packet_id(kPacket, packet.packet_id));
  if (packet.subscriptions.empty()) {
    return fail(ErrorCode::kMalformed, "{}: no topic filters", kPacket);
  }
  std::vector<uint8_t> body;
  ByteWriter writer(body, kPacket);
  writer.u16(packet.packet_id);
  for (size_t i = 0; i < packet.subscriptions.size(); ++i) {
    MQTT_TRY(check(packet.subscriptions[i], i));
    MQTT_TRY(writer.utf8(packet.subscriptions[i].filter, "topic filter"));
    writer.u8(packet.subscriptions[i].qos);
  }
  return append_packet(out, first_byte(PacketType::kSubscribe, kFlags), body, kPacket);
}

Result<SubscribePacket> decode_subscribe(uint8_t flags, std::span<const uint8_t> body) {
  MQTT_TRY(expect_flags(kPacket, flags, kFlags));
  ByteReader reader(body, kPacket);
  SubscribePacket packet;
  MQTT_TRY_ASSIGN(packet.packet_id, reader.u16("packet identifier"));
  MQTT_TRY(expect_packet_id(kPacket, packet.packet_id));
  if (reader.remaining() == 0) {
    return fail(ErrorCode::kMalformed, "{}: no topic filters", kPacket);
  }
  while (reader.remaining() > 0) {
    Subscription subscription;
    MQTT_TRY_ASSIGN(subscription.filter, reader.utf8("topic filter"));
    MQTT_TRY_ASSIGN(const uint8_t options, reader.u8("requested QoS"));
    if ((options & 0xFC) != 0) {
      return fail(ErrorCode::kMalformed, "{}: requested QoS byte 0x{:x} has reserved bits set",
                  kPacket, options);
    }
    subscription.qos = options;
    MQTT_TRY(check(subscription, packet.subscriptions.size()));
    packet.subscriptions.push_back(std::move(subscription));
  }
  return packet;
}

}  // namespace autograph::mqtt
