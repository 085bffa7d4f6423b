#include "autograph/signing/secret_key.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <set>
#include <type_traits>
#include <vector>

#include "signing/test_util.hpp"

namespace autograph::signing {
namespace {

static_assert(!std::is_copy_constructible_v<SecretKey>);
static_assert(!std::is_copy_assignable_v<SecretKey>);
static_assert(std::is_nothrow_move_constructible_v<SecretKey>);
// Neither iostreams nor fmt (and so spdlog) can print a key.
template <typename T>
concept Streamable = requires(std::ostream& os, const T& value) {
  os << value;
};
static_assert(!Streamable<SecretKey>);
static_assert(!fmt::is_formattable<SecretKey>::value);

// The secp256k1 group order n, big-endian.
constexpr std::array<uint8_t, 32> kOrder = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

TEST(SecretKey, GeneratesDistinctValidKeys) {
  std::set<std::vector<uint8_t>> seen;
  for (int i = 0; i < 16; ++i) {
    auto key = SecretKey::generate();
    ASSERT_TRUE(key) << key.error().message();
    ASSERT_TRUE(key->valid());
    const auto bytes = key->bytes();
    ASSERT_TRUE(seen.emplace(bytes.begin(), bytes.end()).second);
  }
}

TEST(SecretKey, AcceptsTheLargestValidScalar) {
  auto bytes = kOrder;
  bytes[31] -= 1;  // n - 1
  auto key = SecretKey::from_bytes(bytes);
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), key->bytes().begin()));
}

TEST(SecretKey, RejectsZero) {
  const std::array<uint8_t, 32> zero{};
  auto key = SecretKey::from_bytes(zero);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(key.error().message().find("not a valid secp256k1 scalar"), std::string::npos);
}

TEST(SecretKey, RejectsTheCurveOrder) {
  auto key = SecretKey::from_bytes(kOrder);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kMalformed);
}

TEST(SecretKey, RejectsWrongLength) {
  const std::vector<uint8_t> short_key(31, 1);
  auto key = SecretKey::from_bytes(short_key);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message().find("must be 32 bytes, got 31"), std::string::npos);
}

TEST(SecretKey, MovingTransfersTheKeyAndInvalidatesTheSource) {
  SecretKey original = test::key_from_hex(test::kWeb3DocsKey);
  const auto expected = test::from_hex(test::kWeb3DocsKey);
  SecretKey moved(std::move(original));
  EXPECT_FALSE(original.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), moved.bytes().begin()));

  SecretKey assigned =
      test::key_from_hex("0000000000000000000000000000000000000000000000000000000000000001");
  assigned = std::move(moved);
  EXPECT_FALSE(moved.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), assigned.bytes().begin()));
}

TEST(SecretKey, WipesItsBytesWhenMovedFrom) {
  SecretKey original = test::key_from_hex(test::kWeb3DocsKey);
  // Capture where the bytes live, then check that memory after the move. The object itself is
  // still alive, so reading it is defined behaviour.
  const uint8_t* storage = original.bytes().data();
  SecretKey moved(std::move(original));
  EXPECT_TRUE(std::all_of(storage, storage + SecretKey::kSize, [](uint8_t b) { return b == 0; }));
}

TEST(SecretKeyDeathTest, AbortsWhenAMovedFromKeyIsUsed) {
  SecretKey original = test::key_from_hex(test::kWeb3DocsKey);
  SecretKey moved(std::move(original));
  EXPECT_DEATH((void)original.bytes(), "moved from");  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace autograph::signing
