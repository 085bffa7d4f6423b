// A policy pushed on the policy topic in the middle of a replay: a bad one (signed by a key that
// is not the owner's) is refused and reported in the status event while the policy in force
// keeps working; a good one takes effect at a batch boundary: no batch mixes the two, the
// batches before carry the old policy's hash and only its paths, those after the new one's.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "autograph/signing/hex.hpp"
#include "autograph/signing/keccak256.hpp"
#include "e2e/e2e_device.hpp"
#include "e2e/e2e_fixture.hpp"
#include "e2e/received_batches.hpp"

namespace autograph::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string hash_of(const std::string& text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  return signing::to_0x_hex(signing::keccak256({bytes, text.size()}));
}

// Waits until `path` holds at least `lines` lines that contain `needle`.
bool wait_for_lines(const std::filesystem::path& path, const std::string& needle, size_t lines,
                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = read_file(path);
    size_t count = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
      ++count;
    }
    if (count >= lines) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

class PolicyPushEndToEnd : public E2eFixture {};

TEST_F(PolicyPushEndToEnd, BadPolicyIsRefusedAndReportedGoodOneAppliesAtABatchBoundary) {
  E2eDevice& device = make_device(kona());
  const std::vector<Grantee> before = {{"owner", {{"Vehicle.Speed", 1000}}, 1}};
  const std::vector<Grantee> after = {
      {"owner", {{"Vehicle.Speed", 1000}, {"Vehicle.Chassis.Axle.*", 500}}, 1}};
  const std::string first_policy = device.policy(1, before);
  const std::string good_policy = device.policy(3, after);
  ASSERT_EQ(device.apply(first_policy), "");
  const std::string bad = device.envelope(device.policy(2, after), device.device_key());
  const std::string good = device.envelope(good_policy, device.owner_key());
  ASSERT_FALSE(bad.empty());
  ASSERT_FALSE(good.empty());
  start_watcher(device, "owner");
  start_watcher(device, "status", device.status_topic());

  const pid_t replay = device.start_replay("1");
  running_.push_back(replay);
  const auto owner_file = device.dir() / "owner.jsonl";
  const auto status_file = device.dir() / "status.jsonl";
  ASSERT_TRUE(wait_for_lines(owner_file, "\"verified\":true", 1, seconds(20)));
  ASSERT_EQ(device.publish_policy(bad), 0);
  ASSERT_TRUE(wait_for_lines(status_file, "signer is not the owner", 1, seconds(10)))
      << read_file(status_file);
  // The old policy keeps working after the refusal: another batch under it.
  const size_t owner_lines = ReceivedBatches::parse(read_file(owner_file)).lines.size();
  ASSERT_TRUE(wait_for_lines(owner_file, "\"verified\":true", owner_lines + 1, seconds(10)));
  ASSERT_EQ(device.publish_policy(good), 0);
  ASSERT_EQ(wait_for(replay, seconds(60)), 0) << read_file(device.dir() / "replay-1.log");
  stop_watchers_when_quiet(device);

  const auto owner = ReceivedBatches::parse(read_file(owner_file));
  for (size_t i = 0; i < owner.seqs.size(); ++i) {
    ASSERT_EQ(owner.seqs[i], i);
  }
  const std::string old_hash = hash_of(first_policy);
  const std::string new_hash = hash_of(good_policy);
  size_t old_batches = 0;
  size_t new_batches = 0;
  bool wheel_speeds_after = false;
  for (const auto& line : owner.lines) {
    ASSERT_EQ(line["verified"], true) << line;
    const auto data = nlohmann::json::parse(line["data"].get<std::string>());
    const std::string policy = data["policy"];
    const bool has_wheels = data["signals"].contains("Vehicle.Chassis.Axle.Row1.Wheel.Left.Speed");
    if (policy == old_hash) {
      EXPECT_EQ(new_batches, 0u) << "an old-policy batch after the switch: " << line;
      EXPECT_FALSE(has_wheels) << "wheel speeds under the old policy: " << line;
      ++old_batches;
    } else {
      EXPECT_EQ(policy, new_hash) << line;
      wheel_speeds_after = wheel_speeds_after || has_wheels;
      ++new_batches;
    }
  }
  EXPECT_GE(old_batches, 2u);
  EXPECT_GE(new_batches, 1u);
  EXPECT_TRUE(wheel_speeds_after);

  // The status events: the refusal reported with the old version still in force, and later the
  // new version.
  bool refusal_reported = false;
  uint64_t last_version = 0;
  for (const auto& line : ReceivedBatches::parse(read_file(status_file)).lines) {
    ASSERT_EQ(line["verified"], true) << line;
    ASSERT_EQ(line["type"], "autograph.status.v1");
    const auto state = nlohmann::json::parse(line["data"].get<std::string>())["policy_state"];
    last_version = state["version"].get<uint64_t>();
    if (!state["last_refusal"].is_null() &&
        state["last_refusal"]["reason"] == "signer is not the owner" && last_version == 1) {
      refusal_reported = true;
    }
  }
  EXPECT_TRUE(refusal_reported) << read_file(status_file);
  EXPECT_EQ(last_version, 3u);
}

}  // namespace
}  // namespace autograph::e2e
