// SIGTERM in the middle of a replay while the broker cannot take anything, then a restart on the
// same state directory and spool: every batch of every stream arrives, the chains continue
// across the restart without a gap, and every batch verifies (watch, then ethers).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "e2e/e2e_device.hpp"
#include "e2e/e2e_fixture.hpp"
#include "e2e/received_batches.hpp"

namespace autograph::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

size_t line_count(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class RestartEndToEnd : public E2eFixture {};

TEST_F(RestartEndToEnd, SigtermMidReplayThenRestartDeliversEverySeq) {
  E2eDevice& device = make_device(kona());
  const std::vector<Grantee> grantees = two_grantees();
  ASSERT_EQ(device.apply(device.policy(1, grantees)), "");
  for (const Grantee& grantee : grantees) {
    start_watcher(device, grantee.name);
  }
  const pid_t first = device.start_replay("1");
  running_.push_back(first);
  const auto owner_file = device.dir() / "owner.jsonl";
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (line_count(owner_file) == 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << read_file(device.dir() / "replay-1.log");
    std::this_thread::sleep_for(milliseconds(50));
  }
  // With the broker stopped, the next batches can only go to the spool.
  broker_.pause();
  std::this_thread::sleep_for(seconds(3));
  const size_t delivered_before = line_count(owner_file);
  const auto sigterm = std::chrono::steady_clock::now();
  ::kill(first, SIGTERM);
  EXPECT_EQ(wait_for(first, seconds(10)), 0) << read_file(device.dir() / "replay-1.log");
  const auto stop_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - sigterm);
  // The budget is 2 s; the slack is for a loaded test machine.
  EXPECT_LT(stop_ms.count(), 4000) << "SIGTERM to exit";
  broker_.resume();

  const pid_t second = device.start_replay("max");
  running_.push_back(second);
  ASSERT_EQ(wait_for(second, seconds(120)), 0) << read_file(device.dir() / "replay-2.log");
  stop_watchers_when_quiet(device);

  for (const Grantee& grantee : grantees) {
    SCOPED_TRACE(grantee.name);
    const auto received =
        ReceivedBatches::parse(read_file(device.dir() / (grantee.name + ".jsonl")));
    ASSERT_FALSE(received.seqs.empty());
    for (size_t i = 0; i < received.seqs.size(); ++i) {
      ASSERT_EQ(received.seqs[i], i) << "seqs must run 0..n-1 across the restart";
    }
    for (const auto& line : received.lines) {
      EXPECT_EQ(line["verified"], true) << line;
      EXPECT_TRUE(line["chain"] == "ok" || line["chain"] == "duplicate") << line;
    }
    std::set<std::string> boots;
    for (const auto& [seq, boot] : received.boot_by_seq) {
      boots.insert(boot);
    }
    EXPECT_EQ(boots.size(), 2u) << "batches of both runs arrive";
  }
  // Batches of the first run made while the broker was stopped arrived after all.
  const auto owner = ReceivedBatches::parse(read_file(owner_file));
  const std::string first_boot = owner.boot_by_seq.at(0);
  uint64_t first_run_last = 0;
  for (const auto& [seq, boot] : owner.boot_by_seq) {
    first_run_last = boot == first_boot ? seq : first_run_last;
  }
  EXPECT_GE(first_run_last, delivered_before) << "some first-run batches came after the pause";
  expect_ethers_verifies(device, {"owner", "insurer"});
}

}  // namespace
}  // namespace autograph::e2e
