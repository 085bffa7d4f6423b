// End to end, one test per real capture: `autograph replay --speed max` publishes over MQTT-TLS
// to a real mosquitto under a two-grantee policy; one `autograph watch --jsonl` per grantee
// receives. Checked: every batch verifies (watch, then ethers in node), the chains have no gap,
// each grantee gets exactly the paths its rules allow at no more than their rates, and the values
// equal `autograph decode`'s after the mapping's conversion and the policy's rate rule, computed
// here apart from the pipeline (expected_samples.hpp).
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "e2e/e2e_device.hpp"
#include "e2e/e2e_fixture.hpp"
#include "e2e/received_batches.hpp"

namespace autograph::e2e {
namespace {

namespace fs = std::filesystem;

const RateRule* rule_for(const Grantee& grantee, const std::string& path) {
  for (const RateRule& rule : grantee.rules) {
    const bool wildcard = rule.pattern.size() > 2 && rule.pattern.ends_with(".*");
    if (wildcard ? path.starts_with(rule.pattern.substr(0, rule.pattern.size() - 1))
                 : path == rule.pattern) {
      return &rule;
    }
  }
  return nullptr;
}

// Compares what one grantee received with what it should have.
void expect_grantee_received(const Grantee& grantee, const ReceivedBatches& received,
                             const std::map<std::string, std::vector<ExpectedSample>>& expected) {
  SCOPED_TRACE("grantee " + grantee.name);
  ASSERT_FALSE(received.seqs.empty());
  for (size_t i = 0; i < received.seqs.size(); ++i) {
    ASSERT_EQ(received.seqs[i], i) << "seqs must run 0..n-1 without a gap";
  }
  for (const auto& line : received.lines) {
    EXPECT_EQ(line["verified"], true) << line;
    EXPECT_TRUE(line["chain"] == "ok" || line["chain"] == "duplicate") << line;
  }
  std::vector<std::string> received_paths;
  std::vector<std::string> expected_paths;
  for (const auto& [path, samples] : received.samples) {
    received_paths.push_back(path);
  }
  for (const auto& [path, samples] : expected) {
    expected_paths.push_back(path);
  }
  EXPECT_EQ(received_paths, expected_paths);
  for (const auto& [path, want] : expected) {
    SCOPED_TRACE(path);
    const auto got = received.samples.find(path);
    if (got == received.samples.end()) {
      continue;
    }
    const RateRule* rule = rule_for(grantee, path);
    ASSERT_NE(rule, nullptr);
    ASSERT_EQ(got->second.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      // The conversion factors here come from the units' definitions, not from the normaliser's
      // table, so a product may round differently in the last bit.
      EXPECT_NEAR(got->second[i].value, want[i].value, std::abs(want[i].value) * 1e-12)
          << "sample " << i;
      const int64_t got_offset = got->second[i].t_ms - got->second[0].t_ms;
      const int64_t want_offset = (want[i].t_us - want[0].t_us) / 1000;
      EXPECT_LE(std::abs(got_offset - want_offset), 1) << "sample " << i;
      if (i > 0) {
        EXPECT_GE(got->second[i].t_ms - got->second[i - 1].t_ms, rule->every_ms) << "sample " << i;
      }
    }
  }
}

class ReplayEndToEnd : public E2eFixture {
 protected:
  void run_capture(const Vehicle& vehicle) {
    E2eDevice& device = make_device(vehicle);
    const std::vector<Grantee> grantees = two_grantees();
    ASSERT_EQ(device.apply(device.policy(1, grantees)), "");
    for (const Grantee& grantee : grantees) {
      start_watcher(device, grantee.name);
    }
    const pid_t replay = device.start_replay("max");
    ASSERT_EQ(wait_for(replay, std::chrono::seconds(180)), 0)
        << read_file(device.dir() / "replay-1.log");
    stop_watchers_when_quiet(device);

    const ProcessResult decoded = device.decode(expected_.signal_names());
    ASSERT_EQ(decoded.status, 0) << decoded.err;
    for (const Grantee& grantee : grantees) {
      const auto expected = expected_.gate(decoded.out, grantee.rules);
      ASSERT_TRUE(expected) << expected.error().message();
      const auto received =
          ReceivedBatches::parse(read_file(device.dir() / (grantee.name + ".jsonl")));
      expect_grantee_received(grantee, received, *expected);
    }
    expect_ethers_verifies(device, {"owner", "insurer"});
  }
};

TEST_F(ReplayEndToEnd, KonaCaptureReachesEachGranteeAsItsPolicySays) { run_capture(kona()); }

TEST_F(ReplayEndToEnd, Rav4CaptureReachesEachGranteeAsItsPolicySays) { run_capture(rav4()); }

TEST_F(ReplayEndToEnd, FordCaptureReachesEachGranteeAsItsPolicySays) {
  const fs::path ford = fs::path(AUTOGRAPH_SHARED_DATA_DIR) / "ford-mustang-gt350";
  if (!fs::exists(ford / "capture.log")) {
    GTEST_SKIP() << ford << " is absent (GPL capture kept outside the repository)";
  }
  run_capture(this->ford());
}

}  // namespace
}  // namespace autograph::e2e
