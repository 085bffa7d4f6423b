#include "mqtt/connack_packet.hpp"

#include <gtest/gtest.h>

#include "mqtt/codec_test_util.hpp"
#include "mqtt/packet_decoder.hpp"

namespace autograph::mqtt {
namespace {

using testing::bytes;
using testing::expect_malformed;

TEST(ConnackPacket, EncodesAndDecodesByteForByte) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_connack({true, 0}, out).has_value());
  EXPECT_EQ(out, bytes({0x20, 0x02, 0x01, 0x00}));
  auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::get<ConnackPacket>(*decoded), (ConnackPacket{true, 0}));
  auto refused = decode_packet(bytes({0x20, 0x02, 0x00, 0x05}));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(std::get<ConnackPacket>(*refused).return_code, 5);
  EXPECT_EQ(connack_reason(5), "not authorized");
  EXPECT_EQ(connack_reason(4), "bad user name or password");
}

TEST(ConnackPacket, RefusesMalformedPackets) {
  expect_malformed(decode_connack(0x01, bytes({0, 0})), {"CONNACK", "flags"});
  expect_malformed(decode_connack(0, bytes({0})), {"remaining length 1 is not 2"});
  expect_malformed(decode_connack(0, bytes({0, 0, 0})), {"remaining length 3 is not 2"});
  expect_malformed(decode_connack(0, bytes({0x02, 0})), {"reserved bits"});
  expect_malformed(decode_connack(0, bytes({0, 6})), {"return code 6"});
  expect_malformed(decode_connack(0, bytes({1, 3})), {"session present"});
  std::vector<uint8_t> out;
  expect_malformed(encode_connack({false, 9}, out), {"return code 9"});
}

}  // namespace
}  // namespace autograph::mqtt
