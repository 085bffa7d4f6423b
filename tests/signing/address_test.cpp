#include "autograph/signing/address.hpp"

#include <gtest/gtest.h>

#include <string>

#include "signing/test_util.hpp"

namespace autograph::signing {
namespace {

// The test vectors of EIP-55 itself.
constexpr const char* kEip55Vectors[] = {
    // All caps
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    // All lower
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    // Normal
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
};

TEST(Address, ChecksumCasingMatchesEip55Vectors) {
  for (const std::string vector : kEip55Vectors) {
    auto address = Address::parse(vector);
    ASSERT_TRUE(address) << vector << ": " << address.error().message();
    EXPECT_EQ(address->to_checksum_hex(), vector);
  }
}

TEST(Address, AcceptsAllLowerAndAllUpperWithoutChecksum) {
  auto lower = Address::parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  auto upper = Address::parse("0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED");
  ASSERT_TRUE(lower);
  ASSERT_TRUE(upper);
  EXPECT_EQ(*lower, *upper);
  EXPECT_EQ(lower->to_checksum_hex(), "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
}

TEST(Address, RejectsMixedCaseWithWrongChecksum) {
  // One letter's case flipped in the first EIP-55 "normal" vector.
  auto address = Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD");
  ASSERT_FALSE(address);
  EXPECT_EQ(address.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(address.error().message().find("EIP-55"), std::string::npos);
}

TEST(Address, RejectsMissingPrefixWrongLengthAndNonHex) {
  for (const char* text :
       {"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
        "", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"}) {
    auto address = Address::parse(text);
    ASSERT_FALSE(address) << text;
    EXPECT_EQ(address.error().code(), ErrorCode::kMalformed);
  }
}

TEST(Address, DerivesTheKnownAddressOfAKnownKey) {
  // The web3.js documentation's key and the address it gives.
  EXPECT_EQ(address_of(test::key_from_hex(test::kWeb3DocsKey)).to_checksum_hex(),
            test::kWeb3DocsAddress);
  // Key 1: the generator point's address, known across Ethereum tooling.
  EXPECT_EQ(address_of(test::key_from_hex(
                           "0000000000000000000000000000000000000000000000000000000000000001"))
                .to_checksum_hex(),
            "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  // Hardhat and anvil's first development account.
  EXPECT_EQ(address_of(test::key_from_hex(
                           "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"))
                .to_checksum_hex(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
}

TEST(AddressDeathTest, AbortsOnAPublicKeyOfTheWrongShape) {
  const std::vector<uint8_t> compressed(33, 0x02);
  EXPECT_DEATH((void)address_of_public_key(compressed), "65-byte uncompressed");
}

}  // namespace
}  // namespace autograph::signing
