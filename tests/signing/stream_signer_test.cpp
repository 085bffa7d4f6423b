#include "autograph/signing/stream_signer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autograph/signing/envelope_verifier.hpp"
#include "signing/envelope_fixture.hpp"

namespace autograph::signing {
namespace {

TEST(StreamSigner, NumbersAndChainsBatchesFromSeqZero) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  StreamSigner signer(key, "insurer", "b00t");
  EXPECT_EQ(signer.address().to_checksum_hex(), test::kWeb3DocsAddress);
  Hash256 previous{};
  for (uint64_t seq = 0; seq < 3; ++seq) {
    auto batch = signer.sign(test::small_body(50.0), test::fixed_time());
    ASSERT_TRUE(batch) << batch.error().message();
    EXPECT_EQ(batch->seq, seq);
    auto verified = verify_envelope(batch->envelope, std::nullopt);
    ASSERT_TRUE(verified) << verified.error().message();
    EXPECT_EQ(verified->seq, seq);
    EXPECT_EQ(verified->prev, previous);
    EXPECT_EQ(verified->data_hash, batch->data_hash);
    previous = batch->data_hash;
    EXPECT_EQ(signer.cursor().next_seq, seq + 1);
    EXPECT_EQ(signer.cursor().prev, batch->data_hash);
  }
}

TEST(StreamSigner, WritesTheCloudEventsAttributes) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  StreamSigner signer(key, "insurer", "b00t", StreamCursor{7, {}});
  auto batch = signer.sign(test::small_body(50.0), test::fixed_time());
  ASSERT_TRUE(batch);
  const auto json = nlohmann::json::parse(batch->envelope);
  EXPECT_EQ(json["specversion"], "1.0");
  EXPECT_EQ(json["id"], "2c7536E3605D9C16a7a3D7b1898e529396a65c23:b00t:7");
  EXPECT_EQ(json["source"].get<std::string>().rfind("autograph/", 0), 0u);
  EXPECT_EQ(json["subject"], test::kWeb3DocsAddress);
  EXPECT_EQ(json["type"], "autograph.signals.v1");
  EXPECT_EQ(json["time"], "2025-11-26T09:40:01.000Z");
  EXPECT_EQ(json["datacontenttype"], "application/json");
  EXPECT_EQ(json["data"]["stream"], "insurer");
  EXPECT_EQ(json["data"]["seq"], 7);
  EXPECT_EQ(json["data"]["boot"], "b00t");
  EXPECT_EQ(batch->envelope.find('\n'), std::string::npos);
}

TEST(StreamSigner, ContinuesFromAPersistedCursor) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  StreamSigner first(key, "s", "b00t");
  auto zero = first.sign(test::small_body(1.0), test::fixed_time());
  ASSERT_TRUE(zero);
  StreamSigner resumed(key, "s", "b00t", first.cursor());
  auto one = resumed.sign(test::small_body(2.0), test::fixed_time());
  ASSERT_TRUE(one);
  auto verified = verify_envelope(one->envelope, std::nullopt);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->seq, 1u);
  EXPECT_EQ(verified->prev, zero->data_hash);
}

TEST(StreamSigner, UsesAnotherEventTypeWhenAsked) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  StreamSigner signer(key, "status", "b00t", {}, std::string(kStatusEventType), "autograph/test");
  auto batch = signer.sign(test::small_body(1.0), test::fixed_time());
  ASSERT_TRUE(batch);
  auto verified = verify_envelope(batch->envelope, std::nullopt);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->type, "autograph.status.v1");
  EXPECT_EQ(verified->source, "autograph/test");
}

TEST(StreamSigner, SignsDeterministically) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  EXPECT_EQ(test::sign_batches(key, "s", 3), test::sign_batches(key, "s", 3));
}

TEST(StreamSignerDeathTest, AbortsOnABootIdThatWouldBreakTheId) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  EXPECT_DEATH(StreamSigner(key, "s", "a:b"), "boot id");
  EXPECT_DEATH(StreamSigner(key, "s", ""), "boot id");
}

}  // namespace
}  // namespace autograph::signing
