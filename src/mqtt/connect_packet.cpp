#include "mqtt/connect_packet.hpp"

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/topic.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

constexpr std::string_view kPacket = "CONNECT";
constexpr uint8_t kProtocolLevel = 4;  // MQTT 3.1.1

// Connect flag bits (section 3.1.2.3).
constexpr uint8_t kReserved = 0x01;
constexpr uint8_t kCleanSession = 0x02;
constexpr uint8_t kWillFlag = 0x04;
constexpr uint8_t kWillQosShift = 3;
constexpr uint8_t kWillRetain = 0x20;
constexpr uint8_t kPasswordFlag = 0x40;
constexpr uint8_t kUsernameFlag = 0x80;

uint8_t connect_flags(const ConnectPacket& packet) {
  uint8_t flags = packet.clean_session ? kCleanSession : 0;
  if (packet.will) {
    flags |= static_cast<uint8_t>(kWillFlag | (packet.will->qos << kWillQosShift));
    flags |= packet.will->retain ? kWillRetain : 0;
  }
  flags |= packet.username ? kUsernameFlag : 0;
  flags |= packet.password ? kPasswordFlag : 0;
  return flags;
}

Result<void> check_encodable(const ConnectPacket& packet) {
  if (packet.will && packet.will->qos > 2) {
    return fail(ErrorCode::kMalformed, "{}: will QoS {} is not 0, 1 or 2", kPacket,
                packet.will->qos);
  }
  if (packet.will) {
    if (std::string problem = topic_name_problem(packet.will->topic); !problem.empty()) {
      return fail(ErrorCode::kMalformed, "{}: will topic: {}", kPacket, problem);
    }
  }
  if (packet.password && !packet.username) {
    return fail(ErrorCode::kMalformed, "{}: password without a username", kPacket);
  }
  return {};
}

}  // namespace

Result<void> encode_connect(const ConnectPacket& packet, std::vector<uint8_t>& out) {
  MQTT_TRY(check_encodable(packet));
  std::vector<uint8_t> body;
  ByteWriter writer(body, kPacket);
  MQTT_TRY(writer.utf8("MQTT", "protocol name"));
  writer.u8(kProtocolLevel);
  writer.u8(connect_flags(packet));
  writer.u16(packet.keep_alive_s);
  MQTT_TRY(writer.utf8(packet.client_id, "client id"));
  if (packet.will) {
    MQTT_TRY(writer.utf8(packet.will->topic, "will topic"));
    MQTT_TRY(writer.binary(packet.will->payload, "will message"));
  }
  if (packet.username) {
    MQTT_TRY(writer.utf8(*packet.username, "username"));
  }
  if (packet.password) {
    MQTT_TRY(writer.binary(*packet.password, "password"));
  }
  return append_packet(out, first_byte(PacketType::kConnect), body, kPacket);
}

namespace {

Result<uint8_t> decode_header(ByteReader& reader) {
  MQTT_TRY_ASSIGN(const std::string protocol, reader.utf8("protocol name"));
  if (protocol != "MQTT") {
    return fail(ErrorCode::kMalformed, "{}: protocol name '{}' is not 'MQTT'", kPacket, protocol);
  }
  MQTT_TRY_ASSIGN(const uint8_t level, reader.u8("protocol level"));
  if (level != kProtocolLevel) {
    return fail(ErrorCode::kMalformed, "{}: protocol level {} is not 4 (MQTT 3.1.1)", kPacket,
                level);
  }
  MQTT_TRY_ASSIGN(const uint8_t flags, reader.u8("connect flags"));
  if ((flags & kReserved) != 0) {
    return fail(ErrorCode::kMalformed, "{}: connect flags: reserved bit 0 is set", kPacket);
  }
  const auto will_qos = static_cast<uint8_t>((flags >> kWillQosShift) & 0x03);
  if (will_qos == 3) {
    return fail(ErrorCode::kMalformed, "{}: connect flags: will QoS 3", kPacket);
  }
  if ((flags & kWillFlag) == 0 && (will_qos != 0 || (flags & kWillRetain) != 0)) {
    return fail(ErrorCode::kMalformed, "{}: connect flags: will QoS or retain without a will",
                kPacket);
  }
  if ((flags & kPasswordFlag) != 0 && (flags & kUsernameFlag) == 0) {
    return fail(ErrorCode::kMalformed, "{}: connect flags: password without a username", kPacket);
  }
  return flags;
}

}  // namespace

Result<ConnectPacket> decode_connect(uint8_t flags, std::span<const uint8_t> body) {
  if (flags != 0) {
    return fail(ErrorCode::kMalformed, "{}: reserved fixed-header flags 0x{:x} are not 0", kPacket,
                flags);
  }
  ByteReader reader(body, kPacket);
  MQTT_TRY_ASSIGN(const uint8_t connect, decode_header(reader));
  ConnectPacket packet;
  packet.clean_session = (connect & kCleanSession) != 0;
  MQTT_TRY_ASSIGN(packet.keep_alive_s, reader.u16("keep alive"));
  MQTT_TRY_ASSIGN(packet.client_id, reader.utf8("client id"));
  if ((connect & kWillFlag) != 0) {
    Will will;
    will.qos = static_cast<uint8_t>((connect >> kWillQosShift) & 0x03);
    will.retain = (connect & kWillRetain) != 0;
    MQTT_TRY_ASSIGN(will.topic, reader.utf8("will topic"));
    if (std::string problem = topic_name_problem(will.topic); !problem.empty()) {
      return fail(ErrorCode::kMalformed, "{}: will topic: {}", kPacket, problem);
    }
    MQTT_TRY_ASSIGN(will.payload, reader.binary("will message"));
    packet.will = std::move(will);
  }
  if ((connect & kUsernameFlag) != 0) {
    MQTT_TRY_ASSIGN(packet.username, reader.utf8("username"));
  }
  if ((connect & kPasswordFlag) != 0) {
    MQTT_TRY_ASSIGN(packet.password, reader.binary("password"));
  }
  MQTT_TRY(reader.expect_end("the payload"));
  return packet;
}

}  // namespace autograph::mqtt
