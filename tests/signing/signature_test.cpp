#include "autograph/signing/signature.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "signing/test_util.hpp"

namespace autograph::signing {
namespace {

using test::as_bytes;

// Fixed key and digest -> fixed signature (RFC 6979). Expected values from ethers v6
// `new SigningKey(key).sign(keccak256(toUtf8Bytes("autograph"))).serialized`.
constexpr std::string_view kDigestOfAutograph =
    "0xf039bf2426f6b69dd4409722fb38d41fe9be0a3476ffe01ceee634e9fa6f6506";
constexpr std::string_view kWeb3KeySignature =
    "0xe05e7de2e6e3f09f19ac0f782908772cfa2494f8792a99fe58d759a7e56b4c8c187c2a4eaf4cfa1a5418c3483677"
    "0ab5b99640136f5b5eb1e24b8489562d3aca1c";
constexpr std::string_view kKeyOneSignature =
    "0xcb85d6abe71f44be42a63bf3d96cf808e68c7f0c2b084e14bd45a8531ea5cf453cf2211f55dcf3b1cc7fbd559aa4"
    "39159badf289ae47742389b95442c25c656d1b";

Hash256 digest_of_autograph() { return keccak256(as_bytes("autograph")); }

Signature signature_from(std::string_view hex) {
  auto signature = Signature::parse_hex(hex);
  if (!signature) {
    std::abort();
  }
  return *signature;
}

// n - s for a 32-byte big-endian s (0 < s < n): the high-s twin of a signature.
std::array<uint8_t, 32> negate_mod_order(std::span<const uint8_t> s) {
  static constexpr std::array<uint8_t, 32> kOrder = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
      0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  std::array<uint8_t, 32> out{};
  int borrow = 0;
  for (size_t i = 32; i-- > 0;) {
    int difference = kOrder[i] - s[i] - borrow;
    borrow = difference < 0 ? 1 : 0;
    out[i] = static_cast<uint8_t>(difference + 256 * borrow);
  }
  return out;
}

TEST(Signature, DigestVectorIsKeccakOfTheMessage) {
  EXPECT_EQ(test::hex_of(digest_of_autograph()), kDigestOfAutograph);
}

TEST(Signature, FixedKeyAndDigestGiveTheKnownRfc6979Signature) {
  auto signature = sign_digest(test::key_from_hex(test::kWeb3DocsKey), digest_of_autograph());
  ASSERT_TRUE(signature) << signature.error().message();
  EXPECT_EQ(signature->to_hex(), kWeb3KeySignature);

  auto other = sign_digest(
      test::key_from_hex("0000000000000000000000000000000000000000000000000000000000000001"),
      digest_of_autograph());
  ASSERT_TRUE(other);
  EXPECT_EQ(other->to_hex(), kKeyOneSignature);
}

TEST(Signature, RecoversTheSignersAddress) {
  auto address = recover_address(digest_of_autograph(), signature_from(kWeb3KeySignature));
  ASSERT_TRUE(address) << address.error().message();
  EXPECT_EQ(address->to_checksum_hex(), test::kWeb3DocsAddress);
}

TEST(Signature, SignsWithLowSAndRecoversForRandomKeys) {
  for (int i = 0; i < 20; ++i) {
    auto key = SecretKey::generate();
    ASSERT_TRUE(key);
    Hash256 digest = digest_of_autograph();
    digest[0] = static_cast<uint8_t>(i);
    auto signature = sign_digest(*key, digest);
    ASSERT_TRUE(signature);
    EXPECT_LT(signature->bytes[32], 0x80) << "high s";
    auto recovered = recover_address(digest, *signature);
    ASSERT_TRUE(recovered) << recovered.error().message();
    EXPECT_EQ(*recovered, address_of(*key));
  }
}

TEST(Signature, ParsesRecoveryIdZeroOrOneAsTwentySevenOrEight) {
  std::string with_v0(kKeyOneSignature.substr(0, 130));
  with_v0 += "00";
  auto parsed = Signature::parse_hex(with_v0);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->bytes[64], 27);
  EXPECT_EQ(parsed->to_hex(), kKeyOneSignature);
  std::string with_v1(kWeb3KeySignature.substr(0, 130));
  with_v1 += "01";
  parsed = Signature::parse_hex(with_v1);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->bytes[64], 28);
}

TEST(Signature, ParseRejectsBadVLengthAndCharacters) {
  std::string bad_v(kKeyOneSignature.substr(0, 130));
  bad_v += "1d";
  auto parsed = Signature::parse_hex(bad_v);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("got 29"), std::string::npos);
  EXPECT_FALSE(Signature::parse_hex(kKeyOneSignature.substr(0, 130)));
  EXPECT_FALSE(Signature::parse_hex(std::string(kKeyOneSignature.substr(2)) + "00"));
  std::string non_hex(kKeyOneSignature);
  non_hex[10] = 'z';
  EXPECT_FALSE(Signature::parse_hex(non_hex));
}

TEST(Signature, RecoverRejectsHighS) {
  Signature signature = signature_from(kWeb3KeySignature);
  const auto high = negate_mod_order(std::span(signature.bytes).subspan(32, 32));
  std::copy(high.begin(), high.end(), signature.bytes.begin() + 32);
  signature.bytes[64] = signature.bytes[64] == 27 ? 28 : 27;
  auto recovered = recover_address(digest_of_autograph(), signature);
  ASSERT_FALSE(recovered);
  EXPECT_EQ(recovered.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(recovered.error().message().find("high s"), std::string::npos);
}

TEST(Signature, RecoverRejectsBadV) {
  Signature signature = signature_from(kWeb3KeySignature);
  signature.bytes[64] = 1;
  auto recovered = recover_address(digest_of_autograph(), signature);
  ASSERT_FALSE(recovered);
  EXPECT_NE(recovered.error().message().find("v must be 27 or 28, got 1"), std::string::npos);
}

TEST(Signature, RecoverRejectsZeroROrS) {
  Signature zero_r = signature_from(kWeb3KeySignature);
  std::fill(zero_r.bytes.begin(), zero_r.bytes.begin() + 32, 0);
  auto recovered = recover_address(digest_of_autograph(), zero_r);
  ASSERT_FALSE(recovered);
  EXPECT_NE(recovered.error().message().find("r is zero"), std::string::npos);

  Signature zero_s = signature_from(kWeb3KeySignature);
  std::fill(zero_s.bytes.begin() + 32, zero_s.bytes.begin() + 64, 0);
  recovered = recover_address(digest_of_autograph(), zero_s);
  ASSERT_FALSE(recovered);
  EXPECT_NE(recovered.error().message().find("s is zero"), std::string::npos);
}

TEST(Signature, RecoverRejectsRNotBelowTheOrder) {
  Signature signature = signature_from(kWeb3KeySignature);
  std::fill(signature.bytes.begin(), signature.bytes.begin() + 32, 0xff);
  auto recovered = recover_address(digest_of_autograph(), signature);
  ASSERT_FALSE(recovered);
  EXPECT_NE(recovered.error().message().find("r is not below the curve order"), std::string::npos);
}

TEST(Signature, RecoverRejectsAnRThatIsNoCurvePointsX) {
  // x = 5: 5^3 + 7 is not a square modulo p, so no point has this x.
  Signature signature = signature_from(kWeb3KeySignature);
  std::fill(signature.bytes.begin(), signature.bytes.begin() + 32, 0);
  signature.bytes[31] = 5;
  auto recovered = recover_address(digest_of_autograph(), signature);
  ASSERT_FALSE(recovered);
  EXPECT_NE(recovered.error().message().find("no public key recovers"), std::string::npos);
}

TEST(Signature, AlteredDigestRecoversAnotherAddress) {
  Hash256 digest = digest_of_autograph();
  digest[5] ^= 1;
  auto recovered = recover_address(digest, signature_from(kWeb3KeySignature));
  if (recovered) {
    EXPECT_NE(recovered->to_checksum_hex(), test::kWeb3DocsAddress);
  }
}

}  // namespace
}  // namespace autograph::signing
