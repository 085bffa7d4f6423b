#include "mqtt/subscribe_packet.hpp"

#include <gtest/gtest.h>

#include "mqtt/codec_test_util.hpp"
#include "mqtt/packet_decoder.hpp"
#include "mqtt/suback_packet.hpp"
#include "mqtt/unsuback_packet.hpp"
#include "mqtt/unsubscribe_packet.hpp"

namespace autograph::mqtt {
namespace {

using testing::bytes;
using testing::expect_malformed;

TEST(SubscribePacket, EncodesByteForByteAndDecodesBack) {
  const SubscribePacket packet{10, {{"p/+", 1}, {"x/#", 0}}};
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_subscribe(packet, out).has_value());
  EXPECT_EQ(out, bytes({0x82, 0x0E, 0x00, 0x0A, 0x00, 0x03, 'p', '/', '+', 0x01, 0x00, 0x03, 'x',
                        '/', '#', 0x00}));
  auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::get<SubscribePacket>(*decoded), packet);
}

TEST(SubscribePacket, RefusesMalformedPackets) {
  expect_malformed(decode_subscribe(0x00, bytes({0, 1, 0, 1, 't', 1})), {"SUBSCRIBE", "flags"});
  expect_malformed(decode_subscribe(0x02, bytes({0, 0, 0, 1, 't', 1})), {"packet identifier is 0"});
  expect_malformed(decode_subscribe(0x02, bytes({0, 1})), {"no topic filters"});
  expect_malformed(decode_subscribe(0x02, bytes({0, 1, 0, 1, 't'})),
                   {"requested QoS", "truncated"});
  expect_malformed(decode_subscribe(0x02, bytes({0, 1, 0, 1, 't', 3})), {"QoS 3"});
  expect_malformed(decode_subscribe(0x02, bytes({0, 1, 0, 1, 't', 0x41})), {"reserved bits"});
  expect_malformed(decode_subscribe(0x02, bytes({0, 1, 0, 2, 'a', '#', 1})), {"whole level"});
  expect_malformed(decode_subscribe(0x02, bytes({0, 1, 0, 3, '#', '/', 'a', 1})), {"last level"});
  std::vector<uint8_t> out;
  expect_malformed(encode_subscribe({1, {}}, out), {"no topic filters"});
  expect_malformed(encode_subscribe({1, {{"a+", 1}}}, out), {"whole level"});
  expect_malformed(encode_subscribe({0, {{"a", 1}}}, out), {"packet identifier is 0"});
}

TEST(SubackPacket, EncodesAndDecodesByteForByte) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_suback({10, {1, 0x80}}, out).has_value());
  EXPECT_EQ(out, bytes({0x90, 0x04, 0x00, 0x0A, 0x01, 0x80}));
  auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::get<SubackPacket>(*decoded), (SubackPacket{10, {1, 0x80}}));
}

TEST(SubackPacket, RefusesMalformedPackets) {
  expect_malformed(decode_suback(0x02, bytes({0, 1, 0})), {"SUBACK", "flags"});
  expect_malformed(decode_suback(0, bytes({0, 1})), {"no return codes"});
  expect_malformed(decode_suback(0, bytes({0, 1, 3})), {"0x3"});
  expect_malformed(decode_suback(0, bytes({0, 0, 1})), {"packet identifier is 0"});
  expect_malformed(decode_suback(0, bytes({0})), {"truncated"});
}

TEST(UnsubscribePacket, EncodesByteForByteAndDecodesBack) {
  const UnsubscribePacket packet{7, {"a/b"}};
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_unsubscribe(packet, out).has_value());
  EXPECT_EQ(out, bytes({0xA2, 0x07, 0x00, 0x07, 0x00, 0x03, 'a', '/', 'b'}));
  auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::get<UnsubscribePacket>(*decoded), packet);
}

TEST(UnsubscribePacket, RefusesMalformedPackets) {
  expect_malformed(decode_unsubscribe(0, bytes({0, 1, 0, 1, 'a'})), {"UNSUBSCRIBE", "flags"});
  expect_malformed(decode_unsubscribe(2, bytes({0, 1})), {"no topic filters"});
  expect_malformed(decode_unsubscribe(2, bytes({0, 0, 0, 1, 'a'})), {"packet identifier is 0"});
  expect_malformed(decode_unsubscribe(2, bytes({0, 1, 0, 2, 'a'})), {"truncated"});
  expect_malformed(decode_unsubscribe(2, bytes({0, 1, 0, 2, '#', 'a'})), {"whole level"});
}

TEST(UnsubackPacket, EncodesDecodesAndRefusesMalformedPackets) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_unsuback({7}, out).has_value());
  EXPECT_EQ(out, bytes({0xB0, 0x02, 0x00, 0x07}));
  EXPECT_EQ(decode_unsuback(0, bytes({0, 7}))->packet_id, 7);
  expect_malformed(decode_unsuback(1, bytes({0, 7})), {"UNSUBACK", "flags"});
  expect_malformed(decode_unsuback(0, bytes({0})), {"remaining length 1 is not 2"});
  expect_malformed(decode_unsuback(0, bytes({0, 7, 0})), {"remaining length 3 is not 2"});
  expect_malformed(decode_unsuback(0, bytes({0, 0})), {"packet identifier is 0"});
}

}  // namespace
}  // namespace autograph::mqtt
