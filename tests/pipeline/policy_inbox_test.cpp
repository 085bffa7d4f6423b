// PolicyInbox: envelopes from the policy topic verified and installed with real signatures and a
// real state directory; refusals kept for the status event; a retained repeat stays quiet.
#include "pipeline/policy_inbox.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "../policy/policy_test_support.hpp"
#include "policy/policy_envelope.hpp"

namespace autograph::pipeline {
namespace {

using policy::testing::at;
using policy::testing::key_from;
using policy::testing::policy_text;
using policy::testing::sign;

class PolicyInboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto state = policy::StateDirectory::open(dir_.path());
    ASSERT_TRUE(state.has_value()) << state.error().message();
    ASSERT_TRUE(state->write_owner(owner_address_).has_value());
    clock_.now_ms = at("2026-06-01T12:00:00Z");
    auto inbox = PolicyInbox::create(dir_.path(), device_address_, clock_);
    ASSERT_TRUE(inbox.has_value()) << inbox.error().message();
    inbox_ = std::move(*inbox);
  }

  std::string envelope(uint64_t version, const signing::SecretKey& signer) {
    const std::string text = policy_text(device_address_, version);
    auto signature = signing::Signature::parse_hex(sign(signer, text));
    return policy::make_policy_envelope(text, *signature).value();
  }

  // Whether the reactor's eventfd was written; clears it.
  bool reload_signalled() {
    uint64_t count = 0;
    return ::read(inbox_->reload_fd(), &count, sizeof count) == sizeof count && count > 0;
  }

  uint64_t version_in_force() {
    auto state = policy::StateDirectory::open(dir_.path());
    auto verifier = policy::PolicyVerifier::open(*state, device_address_, clock_);
    return verifier && verifier->in_force() ? verifier->in_force()->policy.version : 0;
  }

  policy::testing::TempDir dir_;
  signing::SecretKey owner_ = key_from(1);
  signing::SecretKey other_ = key_from(2);
  signing::SecretKey device_ = key_from(3);
  signing::Address owner_address_ = signing::address_of(owner_);
  signing::Address device_address_ = signing::address_of(device_);
  policy::testing::FixedClock clock_;
  std::unique_ptr<PolicyInbox> inbox_;
};

TEST_F(PolicyInboxTest, InstallsAnOwnerSignedPolicyAndWakesTheReactor) {
  EXPECT_FALSE(reload_signalled());
  EXPECT_TRUE(inbox_->receive("autograph/x/policy", envelope(1, owner_)));
  EXPECT_TRUE(reload_signalled());
  EXPECT_EQ(version_in_force(), 1u);
  EXPECT_EQ(inbox_->installed(), 1u);
  EXPECT_FALSE(inbox_->last_refusal().has_value());
}

TEST_F(PolicyInboxTest, RefusesAnotherSignerAndKeepsTheRefusalForTheStatusEvent) {
  ASSERT_TRUE(inbox_->receive("t", envelope(1, owner_)));
  (void)reload_signalled();
  EXPECT_FALSE(inbox_->receive("autograph/x/policy", envelope(2, other_)));
  EXPECT_FALSE(reload_signalled());
  EXPECT_EQ(version_in_force(), 1u);
  const auto refusal = inbox_->last_refusal();
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->reason, "signer is not the owner");
  EXPECT_NE(refusal->message.find("autograph/x/policy"), std::string::npos) << refusal->message;
  EXPECT_EQ(refusal->time_ms, clock_.now_ms);
}

TEST_F(PolicyInboxTest, ARetainedRepeatOfThePolicyInForceIsIgnoredQuietly) {
  const std::string message = envelope(1, owner_);
  ASSERT_TRUE(inbox_->receive("t", message));
  (void)reload_signalled();
  for (int connect = 0; connect < 3; ++connect) {
    EXPECT_FALSE(inbox_->receive("t", message));
  }
  EXPECT_FALSE(reload_signalled());
  EXPECT_FALSE(inbox_->last_refusal().has_value()) << inbox_->last_refusal()->message;
}

TEST_F(PolicyInboxTest, AnOlderPolicyIsRefusedAsNotNewer) {
  const std::string old_one = envelope(1, owner_);
  ASSERT_TRUE(inbox_->receive("t", old_one));
  ASSERT_TRUE(inbox_->receive("t", envelope(2, owner_)));
  EXPECT_FALSE(inbox_->receive("t", old_one));
  ASSERT_TRUE(inbox_->last_refusal().has_value());
  EXPECT_EQ(inbox_->last_refusal()->reason, "version not newer");
  EXPECT_EQ(version_in_force(), 2u);
}

TEST_F(PolicyInboxTest, AMalformedMessageIsRefusedNotACrash) {
  EXPECT_FALSE(inbox_->receive("t", "{\"policy\": 1"));
  ASSERT_TRUE(inbox_->last_refusal().has_value());
  EXPECT_FALSE(inbox_->receive("t", std::string("\xff\x00\x01", 3)));
  EXPECT_EQ(version_in_force(), 0u);
}

}  // namespace
}  // namespace autograph::pipeline
