// WatchChecker and the watch output formats, on envelopes signed by the real StreamSigner.
#include "cli/watch_checker.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/watch_output.hpp"
#include "signing/envelope_fixture.hpp"

namespace autograph::cli {
namespace {

using signing::test::key_from_hex;
using signing::test::kWeb3DocsAddress;
using signing::test::kWeb3DocsKey;
using signing::test::sign_batches;

// The envelope with the first sample value of Vehicle.Speed changed by one digit.
std::string tampered(std::string envelope) {
  const size_t at = envelope.find("\"Vehicle.Speed\":[[0,");
  EXPECT_NE(at, std::string::npos) << envelope;
  char& digit = envelope[at + 20];
  digit = digit == '9' ? '8' : static_cast<char>(digit + 1);
  return envelope;
}

class WatchCheckerTest : public testing::Test {
 protected:
  const signing::SecretKey key_ = key_from_hex(kWeb3DocsKey);
  const std::vector<std::string> batches_ = sign_batches(key_, "owner", 5);
  WatchChecker checker_{std::nullopt};
};

TEST_F(WatchCheckerTest, AcceptsAnUnbrokenChain) {
  for (const std::string& batch : batches_) {
    const CheckedMessage message = checker_.check(batch);
    EXPECT_TRUE(message.verified()) << message.error;
    EXPECT_EQ(message.chain, ChainStatus::kOk);
    EXPECT_TRUE(message.chain_messages.empty());
    EXPECT_FALSE(message.is_failure());
  }
  EXPECT_EQ(checker_.messages(), 5u);
  EXPECT_EQ(checker_.failures(), 0u);
}

TEST_F(WatchCheckerTest, DropsAQos1ResendAsADuplicate) {
  EXPECT_EQ(checker_.check(batches_[0]).chain, ChainStatus::kOk);
  const CheckedMessage again = checker_.check(batches_[0]);
  EXPECT_TRUE(again.verified());
  EXPECT_EQ(again.chain, ChainStatus::kDuplicate);
  EXPECT_FALSE(again.is_failure());
  EXPECT_EQ(checker_.check(batches_[1]).chain, ChainStatus::kOk);
  EXPECT_EQ(checker_.messages(), 2u);
  EXPECT_EQ(checker_.failures(), 0u);
}

TEST_F(WatchCheckerTest, RefusesATamperedEnvelope) {
  const std::string bad = tampered(batches_[1]);
  ASSERT_NE(bad, batches_[1]);
  const CheckedMessage message = checker_.check(bad);
  EXPECT_FALSE(message.verified());
  EXPECT_EQ(message.chain, ChainStatus::kUnchecked);
  EXPECT_NE(message.error.find("signature"), std::string::npos) << message.error;
  EXPECT_TRUE(message.is_failure());
  EXPECT_EQ(checker_.failures(), 1u);
}

TEST_F(WatchCheckerTest, ReportsAGapOnTheBatchAfterIt) {
  EXPECT_EQ(checker_.check(batches_[0]).chain, ChainStatus::kOk);
  const CheckedMessage after_gap = checker_.check(batches_[3]);
  EXPECT_TRUE(after_gap.verified());
  EXPECT_EQ(after_gap.chain, ChainStatus::kGap);
  ASSERT_EQ(after_gap.chain_messages.size(), 1u);
  EXPECT_NE(after_gap.chain_messages[0].find("seq 1..2 missing between 0 and 3"), std::string::npos)
      << after_gap.chain_messages[0];
  EXPECT_TRUE(after_gap.is_failure());
  // The next one continues the chain and is not blamed for the old gap again.
  EXPECT_EQ(checker_.check(batches_[4]).chain, ChainStatus::kOk);
  EXPECT_EQ(checker_.failures(), 1u);
}

TEST_F(WatchCheckerTest, ReportsALateBatchAsReordered) {
  checker_.check(batches_[0]);
  checker_.check(batches_[2]);
  const CheckedMessage late = checker_.check(batches_[1]);
  EXPECT_EQ(late.chain, ChainStatus::kReordered);
  EXPECT_FALSE(late.is_failure());
}

TEST_F(WatchCheckerTest, ReportsAForkAtOneSeq) {
  checker_.check(batches_[0]);
  checker_.check(batches_[1]);
  signing::StreamSigner other(key_, "owner", "b00t", signing::StreamCursor{1, {}});
  auto fork = other.sign(signing::test::small_body(99.0), signing::test::fixed_time());
  ASSERT_TRUE(fork);
  const CheckedMessage message = checker_.check(fork->envelope);
  EXPECT_EQ(message.chain, ChainStatus::kFork);
  EXPECT_TRUE(message.is_failure());
}

TEST_F(WatchCheckerTest, RefusesAnotherSignerWhenTheDeviceIsPinned) {
  auto pinned_address = signing::Address::parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  ASSERT_TRUE(pinned_address);
  WatchChecker pinned(*pinned_address);
  const CheckedMessage message = pinned.check(batches_[0]);
  EXPECT_FALSE(message.verified());
  EXPECT_TRUE(message.is_failure());
  auto own = signing::Address::parse(kWeb3DocsAddress);
  ASSERT_TRUE(own);
  EXPECT_TRUE(WatchChecker(*own).check(batches_[0]).verified());
}

TEST_F(WatchCheckerTest, NeverCrashesOnGarbage) {
  for (const std::string payload : {"", "{", "[]", "{\"data\":{}}", "\xff\xfe", "null"}) {
    const CheckedMessage message = checker_.check(payload);
    EXPECT_FALSE(message.verified());
    EXPECT_FALSE(message.error.empty());
  }
}

TEST_F(WatchCheckerTest, JsonLineCarriesTheExactDataText) {
  const CheckedMessage message = checker_.check(batches_[0]);
  const auto line = nlohmann::json::parse(format_watch_jsonl("t/owner", message));
  EXPECT_EQ(line["topic"], "t/owner");
  EXPECT_EQ(line["stream"], "owner");
  EXPECT_EQ(line["seq"], 0);
  EXPECT_EQ(line["verified"], true);
  EXPECT_EQ(line["chain"], "ok");
  EXPECT_EQ(line["signer"], std::string(kWeb3DocsAddress));
  EXPECT_EQ(line["data"].get<std::string>(), message.envelope->data);
  EXPECT_NE(batches_[0].find(line["data"].get<std::string>()), std::string::npos);
  const std::string signature = line["signature"].get<std::string>();
  EXPECT_EQ(signature.size(), 132u);
  EXPECT_NE(batches_[0].find("\"signature\":\"" + signature + "\""), std::string::npos);
}

TEST_F(WatchCheckerTest, JsonLineOfAFailureSaysWhy) {
  const CheckedMessage message = checker_.check(tampered(batches_[0]));
  const auto line = nlohmann::json::parse(format_watch_jsonl("t/owner", message));
  EXPECT_EQ(line["verified"], false);
  EXPECT_EQ(line["chain"], "unchecked");
  EXPECT_TRUE(line["data"].is_null());
  EXPECT_TRUE(line["signature"].is_null());
  EXPECT_FALSE(line["error"].get<std::string>().empty());
}

TEST_F(WatchCheckerTest, TableShowsTheBatchAndEachSignalWithItsUnit) {
  const CheckedMessage message = checker_.check(batches_[2]);
  const VssUnits units{{"Vehicle.Speed", "km/h"}};
  const std::string table = format_watch_table("t/owner", message, units);
  EXPECT_NE(table.find("owner  seq 2  09:40:00.000 .. 09:40:01.000 UTC (1.0 s)  verified ✓  "
                       "chain ok"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("Vehicle.Speed"), std::string::npos) << table;
  EXPECT_NE(table.find("2 x   last 53 km/h"), std::string::npos) << table;
}

TEST_F(WatchCheckerTest, TableOfAFailureIsOneLineWithTheReason) {
  const CheckedMessage message = checker_.check(tampered(batches_[0]));
  const std::string table = format_watch_table("t/\x1b[2J", message, {});
  EXPECT_EQ(table.rfind("✗ NOT VERIFIED  topic t/\\x1b[2J: ", 0), 0u) << table;
  EXPECT_EQ(table.find('\n'), table.size() - 1);
}

TEST(WatchUnits, ReadsUnitsFromAVehicleMapping) {
  auto units =
      load_vss_units(std::string(AUTOGRAPH_SOURCE_DIR) + "/vehicles/hyundai-kona-ev/mapping.json");
  ASSERT_TRUE(units) << units.error().message();
  EXPECT_EQ(units->at("Vehicle.Speed"), "km/h");
  EXPECT_EQ(units->count("Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"), 0u);
  EXPECT_FALSE(load_vss_units("/nonexistent/mapping.json"));
  EXPECT_EQ(load_vss_units(std::string(AUTOGRAPH_SOURCE_DIR) + "/README.md").error().code(),
            ErrorCode::kMalformed);
}

}  // namespace
}  // namespace autograph::cli
