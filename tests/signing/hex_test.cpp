#include "autograph/signing/hex.hpp"

#include <gtest/gtest.h>

#include <array>

namespace autograph::signing {
namespace {

TEST(Hex, EncodesLowercaseWithAndWithoutPrefix) {
  const std::array<uint8_t, 4> bytes = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(bytes), "000fa0ff");
  EXPECT_EQ(to_0x_hex(bytes), "0x000fa0ff");
  EXPECT_EQ(to_hex({}), "");
}

TEST(Hex, DecodesEitherCase) {
  std::array<uint8_t, 3> out{};
  ASSERT_TRUE(decode_hex("aBcDeF", out, "x"));
  EXPECT_EQ(out, (std::array<uint8_t, 3>{0xab, 0xcd, 0xef}));
}

TEST(Hex, RejectsWrongLengthAndZeroesOutput) {
  std::array<uint8_t, 2> out = {1, 2};
  auto decoded = decode_hex("abc", out, "field f");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(decoded.error().message().find("field f: expected 4 hex digits"), std::string::npos);
  EXPECT_EQ(out, (std::array<uint8_t, 2>{0, 0}));
}

TEST(Hex, RejectsNonHexCharacterNamingItsOffset) {
  std::array<uint8_t, 2> out = {1, 2};
  auto decoded = decode_hex("ab0g", out, "key");
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message().find("character 3"), std::string::npos);
  EXPECT_EQ(out, (std::array<uint8_t, 2>{0, 0}));
}

}  // namespace
}  // namespace autograph::signing
