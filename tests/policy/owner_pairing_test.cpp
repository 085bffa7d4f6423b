#include "policy/owner_pairing.hpp"

#include <gtest/gtest.h>

#include "policy_test_support.hpp"

namespace autograph::policy {
namespace {

using namespace autograph::policy::testing;

class OwnerPairingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = StateDirectory::open(dir_.path());
    ASSERT_TRUE(opened.has_value());
    state_.emplace(std::move(*opened));
  }

  signing::Signature transfer_by(const signing::SecretKey& key, const signing::Address& to) {
    return signing::Signature::parse_hex(
               sign(key, ownership_transfer_statement(device_address_, to)))
        .value();
  }

  TempDir dir_;
  std::optional<StateDirectory> state_;
  signing::SecretKey owner_ = key_from(1);
  signing::SecretKey next_ = key_from(2);
  signing::SecretKey device_ = key_from(3);
  signing::Address owner_address_ = signing::address_of(owner_);
  signing::Address next_address_ = signing::address_of(next_);
  signing::Address device_address_ = signing::address_of(device_);
};

TEST_F(OwnerPairingTest, PairsOnceWithoutProof) {
  ASSERT_TRUE(pair_owner(*state_, device_address_, owner_address_, std::nullopt).has_value());
  EXPECT_EQ(state_->read_owner().value(), owner_address_);
}

TEST_F(OwnerPairingTest, RefusesASecondPairingWithoutTheOwnersSignature) {
  ASSERT_TRUE(pair_owner(*state_, device_address_, owner_address_, std::nullopt).has_value());
  const auto again = pair_owner(*state_, device_address_, next_address_, std::nullopt);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message().find("already paired with " + owner_address_.to_checksum_hex()),
            std::string::npos);
  EXPECT_EQ(state_->read_owner().value(), owner_address_);
}

TEST_F(OwnerPairingTest, ChangesOwnerWithTheCurrentOwnersSignatureAndDropsThePolicy) {
  ASSERT_TRUE(pair_owner(*state_, device_address_, owner_address_, std::nullopt).has_value());
  ASSERT_TRUE(state_->write_policy_in_force("{}").has_value());
  ASSERT_TRUE(state_->write_highest_version(4).has_value());
  const auto changed =
      pair_owner(*state_, device_address_, next_address_, transfer_by(owner_, next_address_));
  ASSERT_TRUE(changed.has_value()) << changed.error().message();
  EXPECT_EQ(state_->read_owner().value(), next_address_);
  EXPECT_FALSE(state_->read_policy_in_force().value().has_value());
  EXPECT_EQ(state_->read_highest_version().value(), 4u);
}

TEST_F(OwnerPairingTest, RefusesAChangeSignedBySomeoneElse) {
  ASSERT_TRUE(pair_owner(*state_, device_address_, owner_address_, std::nullopt).has_value());
  // The would-be owner signing their own transfer.
  const auto refused =
      pair_owner(*state_, device_address_, next_address_, transfer_by(next_, next_address_));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(state_->read_owner().value(), owner_address_);
}

TEST_F(OwnerPairingTest, RefusesATransferStatementForAnotherNewOwner) {
  ASSERT_TRUE(pair_owner(*state_, device_address_, owner_address_, std::nullopt).has_value());
  const signing::Address third = signing::address_of(key_from(9));
  const auto refused =
      pair_owner(*state_, device_address_, third, transfer_by(owner_, next_address_));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(state_->read_owner().value(), owner_address_);
}

TEST_F(OwnerPairingTest, RefusesASignatureWhenNotPairedAndPairingTheSameOwnerAgain) {
  EXPECT_FALSE(
      pair_owner(*state_, device_address_, next_address_, transfer_by(owner_, next_address_))
          .has_value());
  ASSERT_TRUE(pair_owner(*state_, device_address_, owner_address_, std::nullopt).has_value());
  EXPECT_FALSE(pair_owner(*state_, device_address_, owner_address_, std::nullopt).has_value());
}

TEST(OwnershipTransferStatement, NamesDeviceAndNewOwnerInChecksumForm) {
  const signing::Address device = signing::address_of(key_from(1));
  const signing::Address owner = signing::address_of(key_from(2));
  // Private keys 1 and 2 have these well-known addresses.
  EXPECT_EQ(ownership_transfer_statement(device, owner),
            "autograph pair 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf "
            "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF");
}

}  // namespace
}  // namespace autograph::policy
