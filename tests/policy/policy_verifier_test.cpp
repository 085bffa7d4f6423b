#include "policy/policy_verifier.hpp"

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "autograph/signing/keccak256.hpp"
#include "policy/policy_envelope.hpp"
#include "policy_test_support.hpp"

namespace autograph::policy {
namespace {

using namespace autograph::policy::testing;

class PolicyVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = StateDirectory::open(dir_.path() / "state");
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    state_.emplace(std::move(*opened));
    ASSERT_TRUE(state_->write_owner(owner_address_).has_value());
    clock_.now_ms = at("2026-06-01T12:00:00Z");
  }

  PolicyVerifier open_verifier() {
    auto verifier = PolicyVerifier::open(*state_, device_address_, clock_);
    EXPECT_TRUE(verifier.has_value()) << verifier.error().message();
    return std::move(*verifier);
  }

  // Applies version `version` signed by the owner, expecting success.
  void apply_good(PolicyVerifier& verifier, uint64_t version) {
    const std::string text = policy_text(device_address_, version);
    auto applied = verifier.apply(text, sign(owner_, text), "good.json");
    ASSERT_TRUE(applied.has_value()) << applied.error().message;
  }

  // Applies `text` with `signature`, expects refusal for `reason`, and that version
  // `in_force_version` is still in force, in memory and on disk.
  void expect_refused(PolicyVerifier& verifier, const std::string& text,
                      const std::string& signature, RefusalReason reason,
                      uint64_t in_force_version) {
    auto applied = verifier.apply(text, signature, "candidate.json");
    ASSERT_FALSE(applied.has_value()) << "accepted, expected " << to_string(reason);
    EXPECT_EQ(applied.error().reason, reason)
        << to_string(applied.error().reason) << ": " << applied.error().message;
    EXPECT_TRUE(applied.error().message.starts_with("candidate.json")) << applied.error().message;
    ASSERT_NE(verifier.in_force(), nullptr);
    EXPECT_EQ(verifier.in_force()->policy.version, in_force_version);
    EXPECT_EQ(state_->read_highest_version().value(), in_force_version);
    PolicyVerifier reopened = open_verifier();
    ASSERT_NE(reopened.in_force(), nullptr);
    EXPECT_EQ(reopened.in_force()->policy.version, in_force_version);
  }

  TempDir dir_;
  signing::SecretKey owner_ = key_from(1);
  signing::SecretKey other_ = key_from(2);
  signing::SecretKey device_ = key_from(3);
  signing::Address owner_address_ = signing::address_of(owner_);
  signing::Address device_address_ = signing::address_of(device_);
  std::optional<StateDirectory> state_;
  FixedClock clock_;
};

TEST_F(PolicyVerifierTest, AcceptsAPolicySignedByTheOwnerAndPersistsIt) {
  PolicyVerifier verifier = open_verifier();
  EXPECT_EQ(verifier.in_force(), nullptr);
  const std::string text = policy_text(device_address_, 5);
  auto applied = verifier.apply(text, "  " + sign(owner_, text) + "\n", "p.json");
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  EXPECT_EQ((*applied)->policy.version, 5u);
  EXPECT_EQ((*applied)->text, text);
  EXPECT_EQ((*applied)->hash, signing::keccak256(bytes_of(text)));
  EXPECT_EQ(state_->read_highest_version().value(), 5u);
  PolicyVerifier reopened = open_verifier();
  ASSERT_NE(reopened.in_force(), nullptr);
  EXPECT_EQ(reopened.in_force()->text, text);
  EXPECT_FALSE(reopened.load_refusal().has_value());
}

TEST_F(PolicyVerifierTest, CheckVerifiesWithoutInstalling) {
  PolicyVerifier verifier = open_verifier();
  const std::string text = policy_text(device_address_, 5);
  auto checked = verifier.check(text, sign(owner_, text), "p.json");
  ASSERT_TRUE(checked.has_value()) << checked.error().message;
  EXPECT_EQ(verifier.in_force(), nullptr);
  EXPECT_EQ(state_->read_highest_version().value(), 0u);
}

TEST_F(PolicyVerifierTest, RefusesAMissingOrMalformedSignature) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 2);
  const std::string text = policy_text(device_address_, 3);
  expect_refused(verifier, text, "", RefusalReason::kBadSignature, 2);
  expect_refused(verifier, text, " \n", RefusalReason::kBadSignature, 2);
  expect_refused(verifier, text, "0x1234", RefusalReason::kBadSignature, 2);
  std::string garbage = sign(owner_, text);
  garbage[5] = 'g';
  expect_refused(verifier, text, garbage, RefusalReason::kBadSignature, 2);
  // r = 0 recovers nothing.
  const std::string zero_r = "0x" + std::string(64, '0') + sign(owner_, text).substr(66);
  expect_refused(verifier, text, zero_r, RefusalReason::kBadSignature, 2);
}

TEST_F(PolicyVerifierTest, RefusesAnotherSignerNamingIt) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 2);
  const std::string text = policy_text(device_address_, 3);
  expect_refused(verifier, text, sign(other_, text), RefusalReason::kSignerNotOwner, 2);
  auto refused = verifier.apply(text, sign(other_, text), "p.json");
  EXPECT_NE(refused.error().message.find(signing::address_of(other_).to_checksum_hex()),
            std::string::npos);
}

TEST_F(PolicyVerifierTest, RefusesADocumentChangedAfterSigning) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 2);
  const std::string text = policy_text(device_address_, 3);
  const std::string signature = sign(owner_, text);
  std::string changed = text;
  changed[changed.find("1000")] = '2';  // every_ms 1000 -> 2000
  expect_refused(verifier, changed, signature, RefusalReason::kSignerNotOwner, 2);
  // A trailing newline more is a different document too.
  expect_refused(verifier, text + "\n", signature, RefusalReason::kSignerNotOwner, 2);
}

TEST_F(PolicyVerifierTest, RefusesASchemaErrorEvenWhenSignedByTheOwner) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 2);
  const std::string text = policy_text(device_address_, 3, "2026-01-01T00:00:00Z",
                                       "2027-01-01T00:00:00Z", R"( "expiry": 1,)");
  expect_refused(verifier, text, sign(owner_, text), RefusalReason::kSchema, 2);
  auto refused = verifier.apply(text, sign(owner_, text), "p.json");
  EXPECT_EQ(refused.error().message.rfind("p.json: expiry: unknown key", 0), 0u)
      << refused.error().message;
}

TEST_F(PolicyVerifierTest, RefusesAPolicyForAnotherDevice) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 2);
  const std::string text = policy_text(signing::address_of(other_), 3);
  expect_refused(verifier, text, sign(owner_, text), RefusalReason::kDeviceMismatch, 2);
}

TEST_F(PolicyVerifierTest, RefusesEqualAndLowerVersions) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 7);
  for (uint64_t version : {7u, 6u, 1u}) {
    const std::string text = policy_text(device_address_, version);
    expect_refused(verifier, text, sign(owner_, text), RefusalReason::kNotNewer, 7);
  }
}

TEST_F(PolicyVerifierTest, RefusesPoliciesOutsideTheirTimeSpan) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 2);
  const std::string future =
      policy_text(device_address_, 3, "2026-06-01T12:00:00.001Z", "2027-01-01T00:00:00Z");
  expect_refused(verifier, future, sign(owner_, future), RefusalReason::kNotYetValid, 2);
  const std::string past =
      policy_text(device_address_, 3, "2025-01-01T00:00:00Z", "2026-06-01T12:00:00Z");
  expect_refused(verifier, past, sign(owner_, past), RefusalReason::kExpired, 2);
  // Exactly at `issued` is valid.
  const std::string now =
      policy_text(device_address_, 3, "2026-06-01T12:00:00Z", "2027-01-01T00:00:00Z");
  EXPECT_TRUE(verifier.apply(now, sign(owner_, now), "now.json").has_value());
}

TEST_F(PolicyVerifierTest, RefusesEverythingWhenNotPaired) {
  auto other_state = StateDirectory::open(dir_.path() / "unpaired");
  ASSERT_TRUE(other_state.has_value());
  auto verifier = PolicyVerifier::open(*other_state, device_address_, clock_);
  ASSERT_TRUE(verifier.has_value());
  const std::string text = policy_text(device_address_, 1);
  auto refused = verifier->apply(text, sign(owner_, text), "p.json");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, RefusalReason::kNotPaired);
  EXPECT_EQ(verifier->in_force(), nullptr);
}

TEST_F(PolicyVerifierTest, RollbackStaysClosedAcrossARestart) {
  {
    PolicyVerifier first = open_verifier();
    apply_good(first, 4);
  }
  PolicyVerifier restarted = open_verifier();
  const std::string older = policy_text(device_address_, 3);
  expect_refused(restarted, older, sign(owner_, older), RefusalReason::kNotNewer, 4);
}

TEST_F(PolicyVerifierTest, DoesNotLoadAnOlderSignedPolicyPutOnDisk) {
  {
    PolicyVerifier first = open_verifier();
    apply_good(first, 4);
  }
  // Someone puts an older, genuinely signed policy back as the policy in force.
  const std::string older = policy_text(device_address_, 3);
  auto signature = signing::Signature::parse_hex(sign(owner_, older));
  ASSERT_TRUE(signature.has_value());
  ASSERT_TRUE(state_->write_policy_in_force(make_policy_envelope(older, *signature).value()));
  PolicyVerifier restarted = open_verifier();
  EXPECT_EQ(restarted.in_force(), nullptr);
  ASSERT_TRUE(restarted.load_refusal().has_value());
  EXPECT_EQ(restarted.load_refusal()->reason, RefusalReason::kNotNewer);
}

TEST_F(PolicyVerifierTest, CatchesUpTheVersionAfterACrashBetweenTheTwoWrites) {
  const std::string text = policy_text(device_address_, 9);
  auto signature = signing::Signature::parse_hex(sign(owner_, text));
  ASSERT_TRUE(state_->write_policy_in_force(make_policy_envelope(text, *signature).value()));
  ASSERT_TRUE(state_->write_highest_version(8));
  PolicyVerifier restarted = open_verifier();
  ASSERT_NE(restarted.in_force(), nullptr);
  EXPECT_EQ(state_->read_highest_version().value(), 9u);
}

TEST_F(PolicyVerifierTest, DropsAStoredPolicyThatExpiredWhileOff) {
  {
    PolicyVerifier first = open_verifier();
    apply_good(first, 2);
  }
  clock_.now_ms = at("2027-01-01T00:00:00Z");
  PolicyVerifier restarted = open_verifier();
  EXPECT_EQ(restarted.in_force(), nullptr);
  EXPECT_EQ(restarted.load_refusal()->reason, RefusalReason::kExpired);
}

TEST_F(PolicyVerifierTest, ExpiresThePolicyInForceWhenDue) {
  PolicyVerifier verifier = open_verifier();
  apply_good(verifier, 2);
  EXPECT_FALSE(verifier.expire_if_due().has_value());
  clock_.now_ms = at("2026-12-31T23:59:59.999Z");
  EXPECT_FALSE(verifier.expire_if_due().has_value());
  clock_.now_ms = at("2027-01-01T00:00:00Z");
  const auto expired = verifier.expire_if_due();
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(expired->reason, RefusalReason::kExpired);
  EXPECT_EQ(verifier.in_force(), nullptr);
}

TEST_F(PolicyVerifierTest, RefusesToOpenOverADamagedVersionRecord) {
  { std::ofstream(state_->path() / "highest-version") << "seven\n"; }
  auto verifier = PolicyVerifier::open(*state_, device_address_, clock_);
  ASSERT_FALSE(verifier.has_value());
  EXPECT_EQ(verifier.error().code(), ErrorCode::kDataLoss);
}

TEST_F(PolicyVerifierTest, AppliesEnvelopes) {
  PolicyVerifier verifier = open_verifier();
  const std::string text = policy_text(device_address_, 2);
  auto signature = signing::Signature::parse_hex(sign(owner_, text));
  const std::string envelope = make_policy_envelope(text, *signature).value();
  auto applied = verifier.apply_envelope(envelope, "mqtt policy topic");
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  EXPECT_EQ((*applied)->text, text);

  const std::string next = policy_text(device_address_, 3);
  auto unsigned_envelope =
      verifier.apply_envelope(nlohmann::json{{"policy", next}}.dump(), "mqtt policy topic");
  ASSERT_FALSE(unsigned_envelope.has_value());
  EXPECT_EQ(unsigned_envelope.error().reason, RefusalReason::kBadSignature);
  auto extra = verifier.apply_envelope(
      nlohmann::json{{"policy", next}, {"signature", sign(owner_, next)}, {"note", "x"}}.dump(),
      "mqtt policy topic");
  ASSERT_FALSE(extra.has_value());
  EXPECT_EQ(extra.error().reason, RefusalReason::kSchema);
  EXPECT_EQ(verifier.in_force()->policy.version, 2u);
}

TEST(RefusalReason, HasADistinctNameForEveryReason) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(RefusalReason::kStateUnavailable); ++i) {
    EXPECT_TRUE(names.insert(to_string(static_cast<RefusalReason>(i))).second);
  }
}

}  // namespace
}  // namespace autograph::policy
