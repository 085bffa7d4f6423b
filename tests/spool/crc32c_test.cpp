#include "spool/crc32c.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace autograph::spool {
namespace {

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// Bit-at-a-time reference, straight from the definition.
uint32_t reference_crc32c(std::span<const uint8_t> data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
  }
  return ~crc;
}

TEST(Crc32c, MatchesTheCheckValue) { EXPECT_EQ(crc32c(bytes_of("123456789")), 0xE3069283u); }

TEST(Crc32c, OfNothingIsZero) { EXPECT_EQ(crc32c({}), 0u); }

// RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32c, MatchesTheIscsiVectors) {
  std::array<uint8_t, 32> zeros{};
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  std::array<uint8_t, 32> ones{};
  ones.fill(0xFF);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
  std::array<uint8_t, 32> ascending{};
  std::array<uint8_t, 32> descending{};
  for (size_t i = 0; i < 32; ++i) {
    ascending[i] = static_cast<uint8_t>(i);
    descending[i] = static_cast<uint8_t>(31 - i);
  }
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c(descending), 0x113FDB5Cu);
}

TEST(Crc32c, AgreesWithTheBitwiseDefinitionAtEveryLengthAndAlignment) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937 random(seed);
  std::vector<uint8_t> data(300);
  for (auto& byte : data) {
    byte = static_cast<uint8_t>(random());
  }
  for (size_t start = 0; start < 9; ++start) {
    for (size_t length = 0; start + length <= data.size(); ++length) {
      const auto slice = std::span(data).subspan(start, length);
      ASSERT_EQ(crc32c(slice), reference_crc32c(slice))
          << "start " << start << " length " << length;
    }
  }
}

TEST(Crc32c, ContinuesAcrossPieces) {
  const auto whole = bytes_of("The quick brown fox jumps over the lazy dog");
  for (size_t split = 0; split <= whole.size(); ++split) {
    EXPECT_EQ(crc32c(whole.subspan(split), crc32c(whole.first(split))), crc32c(whole))
        << "split at " << split;
  }
}

}  // namespace
}  // namespace autograph::spool
