#include "mqtt/packet_decoder.hpp"

#include <gtest/gtest.h>

#include <random>

#include "mqtt/codec_test_util.hpp"

namespace autograph::mqtt {
namespace {

using testing::bytes;
using testing::expect_malformed;

std::vector<uint8_t> sample_stream() {
  std::vector<uint8_t> stream;
  EXPECT_TRUE(encode_connack({false, 0}, stream).has_value());
  EXPECT_TRUE(encode_suback({1, {1}}, stream).has_value());
  EXPECT_TRUE(encode_publish({"policy/x", std::vector<uint8_t>(300, 9), 1, false, false, 5}, stream)
                  .has_value());
  EXPECT_TRUE(encode_puback({2}, stream).has_value());
  encode_pingresp({}, stream);
  return stream;
}

std::vector<Packet> drain(PacketDecoder& decoder) {
  std::vector<Packet> packets;
  for (int i = 0; i < 100; ++i) {
    auto next = decoder.next();
    EXPECT_TRUE(next.has_value()) << next.error().message();
    if (!next || !*next) {
      break;
    }
    packets.push_back(std::move(**next));
  }
  return packets;
}

TEST(PacketDecoder, FramesAStreamFedInOnePiece) {
  PacketDecoder decoder(1024);
  decoder.feed(sample_stream());
  auto packets = drain(decoder);
  ASSERT_EQ(packets.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<ConnackPacket>(packets[0]));
  EXPECT_EQ(std::get<PublishPacket>(packets[2]).payload.size(), 300u);
  EXPECT_TRUE(std::holds_alternative<PingrespPacket>(packets[4]));
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(PacketDecoder, FramesTheSameStreamFedInRandomPieces) {
  const auto stream = sample_stream();
  const auto seed = std::random_device{}();
  std::mt19937 random(seed);
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  for (int round = 0; round < 50; ++round) {
    PacketDecoder decoder(1024);
    std::vector<Packet> packets;
    size_t at = 0;
    while (at < stream.size()) {
      const size_t piece = std::min<size_t>(stream.size() - at, 1 + random() % 40);
      decoder.feed(std::span(stream).subspan(at, piece));
      at += piece;
      auto more = drain(decoder);
      packets.insert(packets.end(), more.begin(), more.end());
    }
    EXPECT_EQ(packets.size(), 5u);
  }
}

TEST(PacketDecoder, WaitsForEveryPrefixOfAPacket) {
  std::vector<uint8_t> packet;
  ASSERT_TRUE(encode_publish({"t", std::vector<uint8_t>(200, 1), 0, false, false, 0}, packet));
  for (size_t cut = 0; cut < packet.size(); ++cut) {
    PacketDecoder decoder(1024);
    decoder.feed(std::span(packet).first(cut));
    auto next = decoder.next();
    ASSERT_TRUE(next.has_value());
    EXPECT_FALSE(next->has_value()) << "cut " << cut;
    expect_malformed(decode_packet(std::span(packet).first(cut)), {});
  }
}

TEST(PacketDecoder, RefusesPacketsLargerThanTheLimitBeforeBufferingThem) {
  PacketDecoder decoder(100);
  decoder.feed(bytes({0x30, 0xFF, 0xFF, 0x7F}));
  expect_malformed(decoder.next(), {"PUBLISH", "exceeds the limit of 100"});
  expect_malformed(decoder.next(), {"exceeds the limit"});  // sticky until reset
  decoder.reset();
  decoder.feed(bytes({0xD0, 0x00}));
  auto next = decoder.next();
  ASSERT_TRUE(next.has_value() && next->has_value());
}

TEST(PacketDecoder, RefusesReservedTypesAndQos2Flows) {
  for (int type : {0x00, 0xF0}) {
    PacketDecoder decoder(100);
    decoder.feed(bytes({type, 0x00}));
    expect_malformed(decoder.next(), {"reserved packet type"});
  }
  expect_malformed(decode_packet(bytes({0x50, 0x02, 0x00, 0x01})), {"PUBREC", "QoS 2"});
  expect_malformed(decode_packet(bytes({0x62, 0x02, 0x00, 0x01})), {"PUBREL"});
  expect_malformed(decode_packet(bytes({0x70, 0x02, 0x00, 0x01})), {"PUBCOMP"});
}

TEST(PacketDecoder, RefusesRemainingLengthMismatches) {
  expect_malformed(decode_packet(bytes({0x40, 0x03, 0x00, 0x01})),
                   {"PUBACK", "remaining length 3", "2 bytes follow"});
  expect_malformed(decode_packet(bytes({0x40, 0x02, 0x00, 0x01, 0x00})), {"3 bytes follow"});
  expect_malformed(decode_packet(bytes({0xD0, 0x80, 0x80, 0x80, 0x80, 0x01})), {"longer than 4"});
  expect_malformed(decode_packet({}), {"empty input"});
}

TEST(PacketDecoder, ReportsAMalformedBodyAfterEarlierGoodPackets) {
  PacketDecoder decoder(100);
  decoder.feed(bytes({0xD0, 0x00, 0xD0, 0x01, 0x00}));
  auto first = decoder.next();
  ASSERT_TRUE(first.has_value() && first->has_value());
  expect_malformed(decoder.next(), {"PINGRESP", "remaining length 1 is not 0"});
}

TEST(Packet, NamesEveryAlternativeAndEncodesThroughItsCodec) {
  EXPECT_EQ(packet_name(Packet(PubackPacket{1})), "PUBACK");
  EXPECT_EQ(packet_name(Packet(DisconnectPacket{})), "DISCONNECT");
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_packet(Packet(UnsubackPacket{7}), out).has_value());
  EXPECT_EQ(out, bytes({0xB0, 0x02, 0x00, 0x07}));
  expect_malformed(encode_packet(Packet(PubackPacket{0}), out), {"PUBACK"});
}

}  // namespace
}  // namespace autograph::mqtt
