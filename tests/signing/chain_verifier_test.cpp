#include "autograph/signing/chain_verifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "signing/envelope_fixture.hpp"

namespace autograph::signing {
namespace {

using Kind = ChainFinding::Kind;

class ChainVerifierTest : public testing::Test {
 protected:
  void add(const std::string& text) {
    auto verified = verify_envelope(text, std::nullopt);
    ASSERT_TRUE(verified) << verified.error().message();
    chain_.add(*verified);
  }

  std::vector<ChainFinding> findings_of(Kind kind) const {
    std::vector<ChainFinding> out;
    for (const ChainFinding& finding : chain_.findings()) {
      if (finding.kind == kind) {
        out.push_back(finding);
      }
    }
    return out;
  }

  const SecretKey key_ = test::key_from_hex(test::kWeb3DocsKey);
  const std::vector<std::string> batches_ = test::sign_batches(key_, "insurer", 6);
  ChainVerifier chain_;
};

TEST_F(ChainVerifierTest, AcceptsAnUnbrokenChain) {
  for (const std::string& batch : batches_) {
    add(batch);
  }
  EXPECT_TRUE(chain_.findings().empty());
  EXPECT_EQ(chain_.stream_count(), 1u);
  EXPECT_EQ(chain_.batch_count(), 6u);
}

TEST_F(ChainVerifierTest, AcceptsAChainJoinedLate) {
  add(batches_[3]);
  add(batches_[4]);
  EXPECT_TRUE(chain_.findings().empty());
}

TEST_F(ChainVerifierTest, ReportsAGapNamingTheMissingSeqs) {
  add(batches_[0]);
  add(batches_[1]);
  add(batches_[4]);
  const auto gaps = findings_of(Kind::kGap);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].seq, 2u);
  EXPECT_EQ(gaps[0].message, "seq 2..3 missing between 1 and 4");
  EXPECT_TRUE(gaps[0].is_error());
  add(batches_[2]);
  ASSERT_EQ(findings_of(Kind::kGap).size(), 1u);
  EXPECT_EQ(findings_of(Kind::kGap)[0].message, "seq 3 missing between 2 and 4");
}

TEST_F(ChainVerifierTest, ReportsReorderingAsAWarningAndNoGapOnceFilled) {
  add(batches_[0]);
  add(batches_[2]);
  add(batches_[1]);
  const auto reordered = findings_of(Kind::kReordered);
  ASSERT_EQ(reordered.size(), 1u);
  EXPECT_EQ(reordered[0].message, "seq 1 arrived after seq 2");
  EXPECT_FALSE(reordered[0].is_error());
  EXPECT_TRUE(findings_of(Kind::kGap).empty());
}

TEST_F(ChainVerifierTest, ReportsADuplicateAsAWarning) {
  add(batches_[0]);
  add(batches_[0]);
  const auto duplicates = findings_of(Kind::kDuplicate);
  ASSERT_EQ(duplicates.size(), 1u);
  EXPECT_EQ(duplicates[0].message, "seq 0 received again (same data)");
  EXPECT_FALSE(duplicates[0].is_error());
}

TEST_F(ChainVerifierTest, ReportsAForkAtTheSameSeq) {
  // A second signer state that restarted at seq 1 with other data: two different seq-1 batches.
  StreamSigner restarted(key_, "insurer", "b00t", StreamCursor{1, {}});
  auto other = restarted.sign(test::small_body(99.0), test::fixed_time());
  ASSERT_TRUE(other);
  add(batches_[0]);
  add(batches_[1]);
  add(other->envelope);
  const auto forks = findings_of(Kind::kFork);
  ASSERT_EQ(forks.size(), 1u);
  EXPECT_EQ(forks[0].seq, 1u);
  EXPECT_NE(forks[0].message.find("fork at seq 1"), std::string::npos);
  EXPECT_TRUE(forks[0].is_error());
}

TEST_F(ChainVerifierTest, ReportsAPrevMismatch) {
  StreamSigner broken(key_, "insurer", "b00t", StreamCursor{2, {}});
  auto seq2 = broken.sign(test::small_body(50.0), test::fixed_time());
  ASSERT_TRUE(seq2);
  add(batches_[0]);
  add(batches_[1]);
  add(seq2->envelope);
  const auto mismatches = findings_of(Kind::kPrevMismatch);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0].seq, 2u);
  EXPECT_NE(mismatches[0].message.find("seq 2 has prev 0x0000"), std::string::npos);
  EXPECT_NE(mismatches[0].message.find("keccak256 of seq 1's data"), std::string::npos);
}

TEST_F(ChainVerifierTest, ReportsASeqZeroWithNonZeroPrev) {
  Hash256 prev{};
  prev[0] = 1;
  add(test::sign_batches(key_, "insurer", 1, StreamCursor{0, prev})[0]);
  const auto mismatches = findings_of(Kind::kPrevMismatch);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_NE(mismatches[0].message.find("seq 0 has prev 0x01"), std::string::npos);
}

TEST_F(ChainVerifierTest, KeepsStreamsApart) {
  const auto other = test::sign_batches(key_, "fleet", 2);
  add(batches_[0]);
  add(other[0]);
  add(batches_[1]);
  add(other[1]);
  EXPECT_TRUE(chain_.findings().empty());
  EXPECT_EQ(chain_.stream_count(), 2u);
}

}  // namespace
}  // namespace autograph::signing
