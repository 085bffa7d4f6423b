#include "autograph/signing/eip191.hpp"

#include <gtest/gtest.h>

#include "signing/test_util.hpp"

namespace autograph::signing {
namespace {

using test::as_bytes;

// web3.js documentation, eth.accounts.sign("Some data", <kWeb3DocsKey>): messageHash and
// signature; ethers v6 hashMessage / Wallet.signMessageSync give the same values.
constexpr std::string_view kSomeDataHash =
    "0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655";
constexpr std::string_view kSomeDataSignature =
    "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2"
    "da167c747ef045e5d18a5f5d4300f8e1a0291c";

TEST(Eip191, HashesSomeDataAsWeb3AndEthersDo) {
  EXPECT_EQ(test::hex_of(eip191_hash(as_bytes("Some data"))), kSomeDataHash);
}

TEST(Eip191, HashesTheEmptyMessageWithLengthZero) {
  // ethers v6 hashMessage("").
  EXPECT_EQ(test::hex_of(eip191_hash({})),
            "0x5f35dce98ba4fba25530a026ed80b2cecdaa31091ba4958b99b52ea1d068adad");
}

TEST(Eip191, HashEqualsKeccakOfPrefixedMessage) {
  const std::string message(1234, 'q');  // a multi-digit length
  const std::string prefixed =
      "\x19"
      "Ethereum Signed Message:\n1234" +
      message;
  EXPECT_EQ(eip191_hash(as_bytes(message)), keccak256(as_bytes(prefixed)));
}

TEST(Eip191, SignsSomeDataToTheKnownSignature) {
  auto signature = sign_message(test::key_from_hex(test::kWeb3DocsKey), as_bytes("Some data"));
  ASSERT_TRUE(signature) << signature.error().message();
  EXPECT_EQ(signature->to_hex(), kSomeDataSignature);
}

TEST(Eip191, RecoversTheSignerOfAKnownSignature) {
  auto signature = Signature::parse_hex(kSomeDataSignature);
  ASSERT_TRUE(signature);
  auto signer = recover_message_signer(as_bytes("Some data"), *signature);
  ASSERT_TRUE(signer) << signer.error().message();
  EXPECT_EQ(signer->to_checksum_hex(), test::kWeb3DocsAddress);
}

TEST(Eip191, AlteredMessageDoesNotRecoverTheSigner) {
  auto signature = Signature::parse_hex(kSomeDataSignature);
  ASSERT_TRUE(signature);
  auto signer = recover_message_signer(as_bytes("Some dat4"), *signature);
  if (signer) {
    EXPECT_NE(signer->to_checksum_hex(), test::kWeb3DocsAddress);
  }
}

TEST(Eip191, RecoverReportsAnInvalidSignature) {
  auto signature = Signature::parse_hex(kSomeDataSignature);
  ASSERT_TRUE(signature);
  signature->bytes[64] = 30;
  auto signer = recover_message_signer(as_bytes("Some data"), *signature);
  ASSERT_FALSE(signer);
  EXPECT_EQ(signer.error().code(), ErrorCode::kMalformed);
}

}  // namespace
}  // namespace autograph::signing
