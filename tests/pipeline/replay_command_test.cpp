// `autograph replay`, run as a process over the real Kona capture with a paired owner and a
// signed two-grantee policy: every spooled batch verifies, chains have no gaps, each grantee
// gets only its signals; SIGTERM mid-replay exits 0 within 2 s and a second run continues the
// chains.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "pipeline/stream_cursor_file.hpp"
#include "pipeline_test_support.hpp"
#include "spool/spool.hpp"

namespace autograph::pipeline {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kCli = AUTOGRAPH_CLI_PATH;
const std::string kKona = AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev";

// Runs `command` through the shell; returns its stdout; fails the test on a non-zero exit.
std::string shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buffer[512];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    out += buffer;
  }
  const int status = pipe != nullptr ? ::pclose(pipe) : -1;
  EXPECT_EQ(status, 0) << command << "\n" << out;
  return out;
}

std::string address_in(const std::string& text) {
  const size_t at = text.find("0x");
  return at == std::string::npos ? "" : text.substr(at, 42);
}

// A device with a key, an owner, a signed policy in force and a configuration.
struct Device {
  explicit Device(const fs::path& root) : dir(root) {
    fs::create_directories(dir / "state");
    const std::string device =
        address_in(shell(kCli + " keygen --key " + (dir / "state/device.key").string() + " 2>&1"));
    const std::string owner =
        address_in(shell(kCli + " keygen --key " + (dir / "owner.key").string() + " 2>&1"));
    shell(kCli + " pair --owner " + owner + " --key " + key() + " --state " + state());
    std::ofstream(dir / "policy.json")
        << R"({"device": ")" << device
        << R"(", "version": 1, "issued": "2026-01-01T00:00:00Z", "expires": "2099-01-01T00:00:00Z",
 "grantees": [
  {"name": "insurer", "endpoint": {"host": "localhost", "port": 8883, "ca": "/ca.pem", "topic": "v"},
   "signals": [{"path": "Vehicle.Speed", "every_ms": 1000}], "batch": {"max_interval_s": 2, "max_samples": 1000}},
  {"name": "fleet", "endpoint": {"host": "localhost", "port": 8883, "ca": "/ca.pem", "topic": "v"},
   "signals": [{"path": "Vehicle.*", "every_ms": 100}], "batch": {"max_interval_s": 5, "max_samples": 100}}]})";
    const std::string policy = (dir / "policy.json").string();
    shell(kCli + " policy sign " + policy + " --key " + (dir / "owner.key").string());
    shell(kCli + " policy apply " + policy + " --key " + key() + " --state " + state());
    std::ofstream(dir / "config.json")
        << R"({"can": [{"interface": "can0", "bitrate": 500000}, {"interface": "can1", "bitrate": 500000}],
 "vehicle": {"dbc": {"can0": [")"
        << kKona << R"(/vehicle.dbc"], "can1": [")" << kKona << R"(/vehicle.dbc", ")" << kKona
        << R"(/ccan.dbc"]}, "vss_mapping": ")" << AUTOGRAPH_SOURCE_DIR
        << R"(/vehicles/hyundai-kona-ev/mapping.json"},
 "key": ")"
        << key() << R"(", "state_dir": ")" << state() << R"(", "spool": {"dir": ")"
        << (dir / "spool").string() << R"(", "max_bytes": 16777216}})";
  }
  std::string key() const { return (dir / "state/device.key").string(); }
  std::string state() const { return (dir / "state").string(); }
  std::vector<std::string> replay_args(const std::string& speed) const {
    return {kCli,       "replay",
            "--config", (dir / "config.json").string(),
            "--log",    kKona + "/capture.log",
            "--speed",  speed};
  }
  fs::path dir;
};

// Every spooled batch of `stream`, verified, in spool order.
std::vector<signing::VerifiedEnvelope> spooled(const fs::path& dir) {
  std::vector<signing::VerifiedEnvelope> out;
  Result<spool::Spool> spool = spool::Spool::open({.dir = dir});
  EXPECT_TRUE(spool.has_value()) << spool.error().message();
  uint64_t after = 0;
  for (int guard = 0; spool && guard < 100000; ++guard) {
    Result<std::optional<spool::SpoolRecord>> record = spool->next_pending(after);
    if (!record || !*record) {
      break;
    }
    after = (*record)->id;
    const std::string text((*record)->bytes.begin(), (*record)->bytes.end());
    Result<signing::VerifiedEnvelope> envelope = signing::verify_envelope(text, std::nullopt);
    EXPECT_TRUE(envelope.has_value()) << envelope.error().message();
    if (envelope) {
      out.push_back(*envelope);
    }
  }
  return out;
}

pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits up to `limit` for `pid`; returns its wait status, or -1 (after killing it) on timeout.
int wait_for(pid_t pid, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return status;
    }
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

TEST(ReplayCommand, SigtermMidReplayLosesNothingAndARestartContinuesTheChains) {
  testing::ScratchDir scratch("ag-replay-command");
  const Device device(scratch.path());

  const pid_t first = spawn(device.replay_args("1"));
  std::this_thread::sleep_for(2500ms);
  ::kill(first, SIGTERM);
  const int status = wait_for(first, 2000ms);
  ASSERT_NE(status, -1) << "no exit within 2 s of SIGTERM";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  const std::vector<signing::VerifiedEnvelope> after_first = spooled(device.dir / "spool/insurer");
  ASSERT_FALSE(after_first.empty()) << "the open insurer batch was closed and spooled";

  const int second = wait_for(spawn(device.replay_args("max")), 60'000ms);
  EXPECT_TRUE(WIFEXITED(second) && WEXITSTATUS(second) == 0) << second;

  for (const std::string stream : {"insurer", "fleet"}) {
    const std::vector<signing::VerifiedEnvelope> batches = spooled(device.dir / "spool" / stream);
    signing::ChainVerifier chain;
    std::vector<std::string> boots;
    for (const signing::VerifiedEnvelope& envelope : batches) {
      chain.add(envelope);
      if (boots.empty() || boots.back() != envelope.boot) {
        boots.push_back(envelope.boot);
      }
      if (stream == "insurer") {
        EXPECT_EQ(envelope.data.find("Vehicle.Chassis"), std::string::npos) << envelope.data;
      }
    }
    EXPECT_EQ(boots.size(), 2u) << stream << ": batches of both runs";
    for (const signing::ChainFinding& finding : chain.findings()) {
      ADD_FAILURE() << stream << ": " << finding.message;
    }
    Result<signing::StreamCursor> cursor =
        StreamCursorFile(device.dir / "state/streams" / (stream + ".cursor")).load();
    ASSERT_TRUE(cursor.has_value());
    EXPECT_EQ(cursor->next_seq, batches.size()) << stream;
  }
}

TEST(ReplayCommand, RefusesABadSpeedAsAUsageError) {
  const std::string out = [] {
    FILE* pipe = ::popen((kCli + " replay --config x --log y --speed fast 2>&1").c_str(), "r");
    std::string text;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
      text += buffer;
    }
    EXPECT_EQ(WEXITSTATUS(::pclose(pipe)), 2);
    return text;
  }();
  EXPECT_NE(out.find("--speed"), std::string::npos) << out;
}

TEST(ReplayCommand, NamesAMissingConfigurationFile) {
  FILE* pipe =
      ::popen((kCli + " replay --config /nonexistent/config.json --log y 2>&1").c_str(), "r");
  std::string text;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    text += buffer;
  }
  EXPECT_EQ(WEXITSTATUS(::pclose(pipe)), 1);
  EXPECT_NE(text.find("/nonexistent/config.json"), std::string::npos) << text;
}

}  // namespace
}  // namespace autograph::pipeline
