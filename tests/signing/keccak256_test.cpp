#include "autograph/signing/keccak256.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "signing/test_util.hpp"

namespace autograph::signing {
namespace {

using test::as_bytes;
using test::hex_of;

// Input i of the length-boundary vectors is bytes 0, 1, 2, ... (mod 256).
std::vector<uint8_t> counting_bytes(size_t n) {
  std::vector<uint8_t> bytes(n);
  for (size_t i = 0; i < n; ++i) {
    bytes[i] = static_cast<uint8_t>(i & 0xff);
  }
  return bytes;
}

TEST(Keccak256, HashesEmptyInputToEthereumsKnownDigest) {
  // keccak256("") as every Ethereum client knows it (e.g. the empty code hash).
  EXPECT_EQ(hex_of(keccak256({})),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(Keccak256, HashesAbcToTheKeccakTeamsVector) {
  EXPECT_EQ(hex_of(keccak256(as_bytes("abc"))),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak256, DiffersFromNistSha3) {
  // SHA3-256("") is a7ffc6f8...; Ethereum's padding must not produce it.
  EXPECT_NE(hex_of(keccak256({})),
            "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

// The block-boundary and long-input vectors below were computed with ethers v6
// `keccak256(bytes)` (node), since published lists do not use these exact inputs; the
// million-'a' digest also matches the Keccak team's published long-message vector.
TEST(Keccak256, HandlesOneByteShortOfTheRate) {
  EXPECT_EQ(hex_of(keccak256(counting_bytes(135))),
            "0xcbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62");
}

TEST(Keccak256, HandlesExactlyOneRateBlock) {
  EXPECT_EQ(hex_of(keccak256(counting_bytes(136))),
            "0x7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e");
}

TEST(Keccak256, HandlesOneByteIntoTheSecondBlock) {
  EXPECT_EQ(hex_of(keccak256(counting_bytes(137))),
            "0xac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db");
}

TEST(Keccak256, HashesAMillionLetterAs) {
  const std::vector<uint8_t> input(1'000'000, 'a');
  EXPECT_EQ(hex_of(keccak256(input)),
            "0xfadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96");
}

TEST(Keccak256, StreamingInRandomPiecesEqualsOneShot) {
  const std::vector<uint8_t> input = counting_bytes(5000);
  const Hash256 expected = keccak256(input);
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937 random(seed);
  for (int round = 0; round < 50; ++round) {
    Keccak256 hasher;
    size_t position = 0;
    while (position < input.size()) {
      const size_t piece = std::min<size_t>(random() % 300, input.size() - position);
      hasher.update(std::span(input).subspan(position, piece));
      position += piece;
    }
    ASSERT_EQ(hasher.finish(), expected);
  }
}

TEST(Keccak256, StreamingByteByByteEqualsOneShot) {
  const std::vector<uint8_t> input = counting_bytes(137);
  Keccak256 hasher;
  for (uint8_t byte : input) {
    hasher.update(std::span(&byte, 1));
  }
  EXPECT_EQ(hasher.finish(), keccak256(input));
}

TEST(Keccak256DeathTest, AbortsOnUpdateAfterFinish) {
  Keccak256 hasher;
  (void)hasher.finish();
  EXPECT_DEATH(hasher.update(as_bytes("x")), "update after finish");
}

TEST(Keccak256DeathTest, AbortsOnSecondFinish) {
  Keccak256 hasher;
  (void)hasher.finish();
  EXPECT_DEATH((void)hasher.finish(), "finish called twice");
}

}  // namespace
}  // namespace autograph::signing
