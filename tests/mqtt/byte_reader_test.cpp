#include "mqtt/byte_reader.hpp"

#include <gtest/gtest.h>

#include "mqtt/byte_writer.hpp"
#include "mqtt/codec_test_util.hpp"

namespace autograph::mqtt {
namespace {

using testing::bytes;
using testing::expect_malformed;

TEST(ByteReader, ReadsBigEndianIntegers) {
  const auto data = bytes({0x12, 0xAB, 0xCD});
  ByteReader reader(data, "TEST");
  EXPECT_EQ(*reader.u8("a"), 0x12);
  EXPECT_EQ(*reader.u16("b"), 0xABCD);
  EXPECT_TRUE(reader.expect_end("b").has_value());
}

TEST(ByteReader, RefusesReadsPastTheEndNamingPacketFieldAndOffset) {
  const auto data = bytes({0x01});
  ByteReader reader(data, "PUBACK");
  expect_malformed(reader.u16("packet identifier"),
                   {"PUBACK", "packet identifier", "offset 0", "truncated"});
  const std::vector<uint8_t> empty;
  ByteReader nothing(empty, "X");
  expect_malformed(nothing.u8("byte"), {"truncated"});
}

TEST(ByteReader, ReadsUtf8StringsAndRefusesLengthsPastTheEnd) {
  const auto data = bytes({0x00, 0x03, 'a', '/', 'b', 0x00, 0x05, 'x'});
  ByteReader reader(data, "TEST");
  EXPECT_EQ(*reader.utf8("topic"), "a/b");
  expect_malformed(reader.utf8("second"), {"second", "offset 5", "truncated"});
}

TEST(ByteReader, RefusesNulAndMalformedUtf8) {
  const std::vector<std::vector<uint8_t>> bad = {
      bytes({0x00, 0x01, 0x00}),                    // U+0000
      bytes({0x00, 0x01, 0x80}),                    // lone continuation byte
      bytes({0x00, 0x02, 0xC0, 0xAF}),              // overlong '/'
      bytes({0x00, 0x03, 0xED, 0xA0, 0x80}),        // UTF-16 surrogate
      bytes({0x00, 0x04, 0xF4, 0x90, 0x80, 0x80}),  // above U+10FFFF
      bytes({0x00, 0x02, 0xE2, 0x82}),              // sequence cut short
  };
  for (const auto& data : bad) {
    ByteReader reader(data, "TEST");
    expect_malformed(reader.utf8("topic"), {"topic"});
  }
  const auto good = bytes({0x00, 0x03, 0xE2, 0x82, 0xAC});  // U+20AC
  ByteReader reader(good, "TEST");
  EXPECT_EQ(*reader.utf8("topic"), "\xE2\x82\xAC");
}

TEST(ByteReader, ReportsTrailingBytes) {
  const auto data = bytes({1, 2, 3});
  ByteReader reader(data, "PINGRESP");
  ASSERT_TRUE(reader.u8("x").has_value());
  expect_malformed(reader.expect_end("x"), {"PINGRESP", "2 trailing bytes"});
}

TEST(VarInt, DecodesBoundaryValuesOfEachLength) {
  struct Case {
    std::vector<uint8_t> encoded;
    uint32_t value;
  };
  const std::vector<Case> cases = {
      {bytes({0x00}), 0},
      {bytes({0x7F}), 127},
      {bytes({0x80, 0x01}), 128},
      {bytes({0xFF, 0x7F}), 16'383},
      {bytes({0x80, 0x80, 0x01}), 16'384},
      {bytes({0xFF, 0xFF, 0x7F}), 2'097'151},
      {bytes({0x80, 0x80, 0x80, 0x01}), 2'097'152},
      {bytes({0xFF, 0xFF, 0xFF, 0x7F}), kMaxRemainingLength},
  };
  for (const auto& c : cases) {
    auto decoded = peek_varint(c.encoded, "TEST");
    ASSERT_TRUE(decoded.has_value());
    ASSERT_TRUE(decoded->has_value());
    EXPECT_EQ((*decoded)->value, c.value);
    EXPECT_EQ((*decoded)->size, c.encoded.size());
    std::vector<uint8_t> encoded;
    ASSERT_TRUE(ByteWriter(encoded, "TEST").varint(c.value, "length").has_value());
    EXPECT_EQ(encoded, c.encoded);
  }
}

TEST(VarInt, AsksForMoreInputWhenCutShort) {
  const auto data = bytes({0xFF, 0xFF});
  auto decoded = peek_varint(data, "TEST");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_FALSE(decoded->has_value());
}

TEST(VarInt, RefusesAFifthByteAndNonMinimalForms) {
  expect_malformed(peek_varint(bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x01}), "PUBLISH"),
                   {"PUBLISH", "longer than 4 bytes"});
  expect_malformed(peek_varint(bytes({0x80, 0x00}), "PUBLISH"), {"non-minimal"});
}

TEST(ByteWriter, RefusesValuesItCannotEncode) {
  std::vector<uint8_t> out;
  ByteWriter writer(out, "CONNECT");
  expect_malformed(writer.varint(kMaxRemainingLength + 1, "remaining length"),
                   {"CONNECT", "remaining length"});
  expect_malformed(writer.utf8(std::string(65536, 'a'), "client id"), {"65535"});
  expect_malformed(writer.utf8(std::string_view("a\0b", 3), "client id"), {"U+0000"});
  expect_malformed(writer.binary(std::vector<uint8_t>(65536), "password"), {"password"});
  EXPECT_TRUE(out.empty());
}

TEST(ByteWriter, WritesLengthPrefixedStrings) {
  std::vector<uint8_t> out;
  ByteWriter writer(out, "TEST");
  ASSERT_TRUE(writer.utf8("ab", "s").has_value());
  writer.u16(0x0102);
  EXPECT_EQ(out, bytes({0x00, 0x02, 'a', 'b', 0x01, 0x02}));
}

}  // namespace
}  // namespace autograph::mqtt
