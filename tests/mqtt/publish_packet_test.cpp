#include "mqtt/publish_packet.hpp"

#include <gtest/gtest.h>

#include "mqtt/codec_test_util.hpp"
#include "mqtt/packet_decoder.hpp"

namespace autograph::mqtt {
namespace {

using testing::bytes;
using testing::expect_malformed;

TEST(PublishPacket, EncodesQos0WithoutPacketId) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_publish({"a/b", {'h', 'i'}, 0, false, false, 0}, out).has_value());
  EXPECT_EQ(out, bytes({0x30, 0x07, 0x00, 0x03, 'a', '/', 'b', 'h', 'i'}));
}

TEST(PublishPacket, EncodesQos1DupRetainWithPacketId) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_publish({"t", {0xFF}, 1, true, true, 0x1234}, out).has_value());
  EXPECT_EQ(out, bytes({0x3B, 0x06, 0x00, 0x01, 't', 0x12, 0x34, 0xFF}));
  auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::get<PublishPacket>(*decoded), (PublishPacket{"t", {0xFF}, 1, true, true, 0x1234}));
}

TEST(PublishPacket, EncodesTwoByteRemainingLengthForLargePayloads) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_publish({"t", std::vector<uint8_t>(200, 7), 0, false, false, 0}, out));
  ASSERT_EQ(out.size(), 1u + 2u + 3u + 200u);
  EXPECT_EQ(out[1], 0xCB);  // 203 = 0x4B | continuation, then 1
  EXPECT_EQ(out[2], 0x01);
}

TEST(PublishPacket, DecodesAnEmptyPayload) {
  auto decoded = decode_publish(0x00, bytes({0x00, 0x01, 't'}));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->payload.empty());
}

TEST(PublishPacket, RefusesMalformedPackets) {
  expect_malformed(decode_publish(0x06, bytes({0x00, 0x01, 't', 0, 1})), {"PUBLISH", "QoS 3"});
  expect_malformed(decode_publish(0x08, bytes({0x00, 0x01, 't'})), {"DUP", "QoS 0"});
  expect_malformed(decode_publish(0x02, bytes({0x00, 0x01, 't', 0, 0})),
                   {"packet identifier is 0"});
  expect_malformed(decode_publish(0x02, bytes({0x00, 0x01, 't', 0})),
                   {"packet identifier", "truncated"});
  expect_malformed(decode_publish(0x00, bytes({0x00, 0x03, 'a', '/', '+'})), {"wildcard '+'"});
  expect_malformed(decode_publish(0x00, bytes({0x00, 0x01, '#'})), {"wildcard '#'"});
  expect_malformed(decode_publish(0x00, bytes({0x00, 0x00})), {"empty topic"});
  expect_malformed(decode_publish(0x00, bytes({0x00, 0x02, 't'})), {"topic name", "truncated"});
  expect_malformed(decode_publish(0x00, bytes({0x00})), {"truncated"});
  expect_malformed(decode_publish(0x00, bytes({0x00, 0x01, 0x00})), {"U+0000"});
}

TEST(PublishPacket, RefusesToEncodeInvalidMessages) {
  std::vector<uint8_t> out;
  expect_malformed(encode_publish({"a/#", {}, 0, false, false, 0}, out), {"wildcard"});
  expect_malformed(encode_publish({"t", {}, 1, false, false, 0}, out), {"packet identifier is 0"});
  expect_malformed(encode_publish({"t", {}, 0, false, true, 0}, out), {"DUP"});
  expect_malformed(encode_publish({"t", {}, 3, false, false, 1}, out), {"QoS 3"});
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace autograph::mqtt
