#include "mqtt/connect_packet.hpp"

#include <gtest/gtest.h>

#include "mqtt/codec_test_util.hpp"
#include "mqtt/packet_decoder.hpp"

namespace autograph::mqtt {
namespace {

using testing::bytes;
using testing::expect_malformed;

const std::vector<uint8_t> kMinimal = bytes(
    {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 'c', '1'});

const std::vector<uint8_t> kFull = bytes(
    {0x10, 0x1C, 0x00, 0x04, 'M',  'Q', 'T', 'T', 0x04, 0xEE, 0x00, 0x1E,  // header, keep-alive 30
     0x00, 0x02, 'c',  '1',                                                // client id
     0x00, 0x01, 's',  0x00, 0x03, 'o', 'f', 'f',                          // will
     0x00, 0x01, 'u',  0x00, 0x01, 'p'});                                  // username, password

ConnectPacket full_packet() {
  ConnectPacket packet;
  packet.client_id = "c1";
  packet.keep_alive_s = 30;
  packet.will = Will{"s", {'o', 'f', 'f'}, 1, true};
  packet.username = "u";
  packet.password = std::vector<uint8_t>{'p'};
  return packet;
}

TEST(ConnectPacket, EncodesTheMinimalPacketByteForByte) {
  ConnectPacket packet;
  packet.client_id = "c1";
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_connect(packet, out).has_value());
  EXPECT_EQ(out, kMinimal);
}

TEST(ConnectPacket, EncodesWillUsernameAndPasswordByteForByte) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode_connect(full_packet(), out).has_value());
  EXPECT_EQ(out, kFull);
}

TEST(ConnectPacket, DecodesWhatItEncodes) {
  auto decoded = decode_packet(kFull);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  EXPECT_EQ(std::get<ConnectPacket>(*decoded), full_packet());
}

TEST(ConnectPacket, RefusesEveryTruncation) {
  for (size_t cut = 2; cut < kFull.size(); ++cut) {
    std::vector<uint8_t> body(kFull.begin() + 2, kFull.begin() + static_cast<long>(cut));
    expect_malformed(decode_connect(0, body), {"CONNECT"});
  }
}

TEST(ConnectPacket, RefusesBrokenFlagsAndHeaderFields) {
  auto with = [](size_t index, uint8_t value) {
    auto body = std::vector<uint8_t>(kMinimal.begin() + 2, kMinimal.end());
    body[index] = value;
    return body;
  };
  const auto body = std::vector<uint8_t>(kMinimal.begin() + 2, kMinimal.end());
  expect_malformed(decode_connect(0x01, body), {"CONNECT", "reserved fixed-header flags"});
  expect_malformed(decode_connect(0, with(2, 'X')), {"protocol name"});
  expect_malformed(decode_connect(0, with(6, 3)), {"protocol level 3"});
  expect_malformed(decode_connect(0, with(7, 0x03)), {"reserved bit 0"});
  expect_malformed(decode_connect(0, with(7, 0x1E)), {"will QoS 3"});
  expect_malformed(decode_connect(0, with(7, 0x0A)), {"without a will"});
  expect_malformed(decode_connect(0, with(7, 0x42)), {"password without a username"});
  auto trailing = body;
  trailing.push_back(0);
  expect_malformed(decode_connect(0, trailing), {"1 trailing bytes"});
}

TEST(ConnectPacket, RefusesToEncodeWhatABrokerWouldReject) {
  std::vector<uint8_t> out;
  auto packet = full_packet();
  packet.will->topic = "status/#";
  expect_malformed(encode_connect(packet, out), {"will topic", "wildcard"});
  packet = full_packet();
  packet.will->qos = 3;
  expect_malformed(encode_connect(packet, out), {"will QoS 3"});
  packet = full_packet();
  packet.username.reset();
  expect_malformed(encode_connect(packet, out), {"password without a username"});
  packet = full_packet();
  packet.client_id = std::string("a\0", 2);
  expect_malformed(encode_connect(packet, out), {"client id", "U+0000"});
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace autograph::mqtt
