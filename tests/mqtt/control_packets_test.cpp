// PUBACK, PINGREQ, PINGRESP and DISCONNECT: the small fixed-shape packets.
#include <gtest/gtest.h>

#include "mqtt/codec_test_util.hpp"
#include "mqtt/disconnect_packet.hpp"
#include "mqtt/packet_decoder.hpp"
#include "mqtt/pingreq_packet.hpp"
#include "mqtt/pingresp_packet.hpp"
#include "mqtt/puback_packet.hpp"

namespace autograph::mqtt {
namespace {

using testing::bytes;
using testing::expect_malformed;

TEST(PubackPacket, EncodesDecodesAndRefusesMalformedPackets) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_puback({0xBEEF}, out).has_value());
  EXPECT_EQ(out, bytes({0x40, 0x02, 0xBE, 0xEF}));
  auto decoded = decode_packet(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::get<PubackPacket>(*decoded).packet_id, 0xBEEF);
  expect_malformed(decode_puback(0x02, bytes({0, 1})), {"PUBACK", "flags"});
  expect_malformed(decode_puback(0, bytes({0})), {"PUBACK", "remaining length 1"});
  expect_malformed(decode_puback(0, bytes({0, 1, 2})), {"remaining length 3"});
  expect_malformed(decode_puback(0, bytes({0, 0})), {"packet identifier is 0"});
  expect_malformed(encode_puback({0}, out), {"packet identifier is 0"});
}

TEST(EmptyPackets, EncodeByteForByte) {
  std::vector<uint8_t> out;
  encode_pingreq({}, out);
  encode_pingresp({}, out);
  encode_disconnect({}, out);
  EXPECT_EQ(out, bytes({0xC0, 0x00, 0xD0, 0x00, 0xE0, 0x00}));
}

TEST(EmptyPackets, DecodeAndRefuseFlagsOrABody) {
  EXPECT_TRUE(decode_pingreq(0, {}).has_value());
  EXPECT_TRUE(decode_pingresp(0, {}).has_value());
  EXPECT_TRUE(decode_disconnect(0, {}).has_value());
  expect_malformed(decode_pingreq(1, {}), {"PINGREQ", "flags"});
  expect_malformed(decode_pingresp(0, bytes({0})), {"PINGRESP", "remaining length 1 is not 0"});
  expect_malformed(decode_disconnect(8, {}), {"DISCONNECT", "flags"});
  expect_malformed(decode_disconnect(0, bytes({0, 0})), {"DISCONNECT", "remaining length 2"});
}

}  // namespace
}  // namespace autograph::mqtt
