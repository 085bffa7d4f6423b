// The control endpoint with a real mosquitto: `autograph replay` publishes a signed status event
// every status interval on its own chain; a policy pushed on the policy topic mid-run takes
// effect at a batch boundary; one signed by another key is refused, reported in the next status
// event, and the batches keep flowing under the old one.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autograph/signing/hex.hpp"
#include "autograph/signing/keccak256.hpp"
#include "batch_subscriber.hpp"
#include "mqtt/mosquitto_broker.hpp"
#include "pipeline_test_support.hpp"
#include "replay_device.hpp"

namespace autograph::pipeline {
namespace {

using namespace std::chrono_literals;
using mqtt::testing::MosquittoBroker;
using testing::BatchSubscriber;
using testing::ReplayDevice;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ControlReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.start()) << broker_.error();
    const std::string ca = (broker_.certs() / "ca.crt").string();
    device_ = std::make_unique<ReplayDevice>(scratch_.path(),
                                             broker_.port(mqtt::testing::Listener::kTls), ca);
    device_->write_config(R"(, "control": {"host": "localhost", "port": )" +
                          std::to_string(broker_.port(mqtt::testing::Listener::kTls)) +
                          R"(, "ca": ")" + ca + R"("}, "status_interval_s": 1)");
    subscriber_ = std::make_unique<BatchSubscriber>(broker_, "test-subscriber", "fleet/#");
    ASSERT_TRUE(subscriber_->session().subscribe("autograph/+/status", 1).has_value());
    ASSERT_TRUE(subscriber_->wait_until_subscribed()) << broker_.log();
    subscriber_->on_envelope = [this](const std::string& topic,
                                      const signing::VerifiedEnvelope& envelope) {
      if (envelope.type == "autograph.status.v1") {
        EXPECT_EQ(topic, "autograph/" + device_->device + "/status");
        statuses_.push_back(nlohmann::json::parse(envelope.data));
      }
    };
  }

  int run_until_exit(pid_t pid, std::chrono::milliseconds limit) {
    int status = -1;
    subscriber_->run_until(
        [&] { return status != -1 || (status = testing::exit_status_now(pid)) != -1; }, limit);
    if (status == -1) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
    return status;
  }

  // Signs `policy_file` with `signer_key` into an envelope and publishes it on the policy topic.
  void push_policy(const std::string& policy_file, const std::string& signer_key) {
    const std::string envelope_file = policy_file + ".envelope";
    testing::run_shell(testing::kCli + " policy sign " + policy_file + " --key " + signer_key +
                       " --envelope " + envelope_file);
    const std::string text = read_text(envelope_file);
    ASSERT_TRUE(subscriber_->session()
                    .publish("autograph/" + device_->device + "/policy",
                             std::vector<uint8_t>(text.begin(), text.end()), 1)
                    .has_value());
  }

  std::string log() const { return read_text(device_->log()); }

  testing::ScratchDir scratch_{"ag-control-replay"};
  MosquittoBroker broker_;
  std::unique_ptr<ReplayDevice> device_;
  std::unique_ptr<BatchSubscriber> subscriber_;
  std::vector<nlohmann::json> statuses_;
};

TEST_F(ControlReplayTest, StatusEventsArriveEveryIntervalWithTheirFields) {
  const pid_t pid = testing::start_process(device_->replay_args("1", "10"), device_->log());
  const auto started = std::chrono::steady_clock::now();
  const int status = run_until_exit(pid, 60s);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << log();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  subscriber_->run_until([] { return false; }, 500ms);
  // About one per second over the ~11 s capture: generous bounds, the machine is shared.
  ASSERT_GE(statuses_.size(), 5u) << log();
  EXPECT_LE(static_cast<double>(statuses_.size()), seconds + 2);
  const auto& received = subscriber_->by_stream().at("status");
  for (uint64_t seq = received.begin()->first; seq <= received.rbegin()->first; ++seq) {
    EXPECT_EQ(received.count(seq), 1u) << "status seq " << seq << " missing";
  }
  for (const signing::ChainFinding& finding : subscriber_->chains().findings()) {
    EXPECT_FALSE(finding.is_error()) << finding.message;
  }
  const nlohmann::json& last = statuses_.back();
  EXPECT_EQ(last["stream"], "status");
  EXPECT_EQ(last["v"], 1);
  EXPECT_GE(last["uptime_s"].get<uint64_t>(), 3u);
  ASSERT_EQ(last["sources"].size(), 1u);
  EXPECT_TRUE(last["sources"][0]["name"].get<std::string>().ends_with("/capture.log"));
  EXPECT_GT(last["sources"][0]["frames"].get<uint64_t>(), 10'000u);
  EXPECT_GT(last["sources"][0]["frames_per_bus"]["can0"].get<uint64_t>(), 0u);
  EXPECT_EQ(last["sources"][0]["down"], false);
  for (const char* key : {"unknown_id", "unselected", "skipped"}) {
    EXPECT_TRUE(last["decoder"].contains(key)) << key;
  }
  // The decoder decodes only what the mapping maps: the Kona DBCs' other messages are known but
  // unselected.
  EXPECT_GT(last["decoder"]["unselected"].get<uint64_t>(), 1000u) << last["decoder"].dump();
  for (const char* key : {"kernel", "queue", "spool", "bad_input", "sign_failures"}) {
    EXPECT_EQ(last["dropped"][key], 0) << key;
  }
  EXPECT_GT(last["pipeline"]["batches"].get<uint64_t>(), 0u);
  for (const char* stream : {"insurer", "fleet"}) {
    EXPECT_TRUE(last["spool"][stream].contains("records")) << stream;
    EXPECT_TRUE(last["spool"][stream].contains("bytes")) << stream;
  }
  ASSERT_EQ(last["endpoints"].size(), 1u) << last.dump();
  EXPECT_EQ(last["endpoints"][0]["state"], "connected");
  EXPECT_EQ(last["policy_state"]["version"], 1);
  EXPECT_TRUE(last["policy_state"]["last_refusal"].is_null());
  const std::string policy_hash = signing::to_0x_hex(signing::keccak256(
      std::span(reinterpret_cast<const uint8_t*>(read_text(device_->dir / "policy.json").data()),
                read_text(device_->dir / "policy.json").size())));
  EXPECT_EQ(last["policy"], policy_hash);
  EXPECT_EQ(last["policy_state"]["hash"], policy_hash);
}

TEST_F(ControlReplayTest, APushedPolicyTakesEffectAtABatchBoundaryAndABadOneIsRefused) {
  const std::string v1_text = read_text(device_->dir / "policy.json");
  const std::string v1 = signing::to_0x_hex(signing::keccak256(
      std::span(reinterpret_cast<const uint8_t*>(v1_text.data()), v1_text.size())));
  const std::string v2_file = device_->write_policy(2, "policy-v2.json", "Vehicle.*");
  const std::string v2_text = read_text(v2_file);
  const std::string v2 = signing::to_0x_hex(signing::keccak256(
      std::span(reinterpret_cast<const uint8_t*>(v2_text.data()), v2_text.size())));
  testing::run_shell(testing::kCli + " keygen --key " + (device_->dir / "other.key").string());

  const pid_t pid = testing::start_process(device_->replay_args("1", "10"), device_->log());
  auto insurer_batches = [&] {
    auto found = subscriber_->by_stream().find("insurer");
    return found == subscriber_->by_stream().end() ? size_t{0} : found->second.size();
  };
  ASSERT_TRUE(subscriber_->run_until([&] { return insurer_batches() >= 1; }, 20s)) << log();
  push_policy(v2_file, (device_->dir / "other.key").string());
  auto refused = [&] {
    return !statuses_.empty() && !statuses_.back()["policy_state"]["last_refusal"].is_null();
  };
  ASSERT_TRUE(subscriber_->run_until(refused, 10s)) << log();
  EXPECT_EQ(statuses_.back()["policy_state"]["last_refusal"]["reason"], "signer is not the owner");
  EXPECT_EQ(statuses_.back()["policy_state"]["version"], 1);
  const size_t before_good = insurer_batches();
  push_policy(v2_file, device_->owner_key());
  const int status = run_until_exit(pid, 60s);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << log();
  subscriber_->run_until([] { return false; }, 500ms);
  EXPECT_GT(insurer_batches(), before_good) << "batches kept flowing";

  // Old hash, then new hash, never back; each batch only what its own policy allows.
  bool switched = false;
  for (const auto& [seq, envelope] : subscriber_->by_stream().at("insurer")) {
    const std::string hash = signing::to_0x_hex(envelope.policy);
    if (hash == v2) {
      switched = true;
    } else {
      EXPECT_EQ(hash, v1) << "seq " << seq;
      EXPECT_FALSE(switched) << "seq " << seq << " carries the old policy after the new one";
      const nlohmann::json data = nlohmann::json::parse(envelope.data);
      for (const auto& [path, samples] : data["signals"].items()) {
        EXPECT_EQ(path, "Vehicle.Speed") << "seq " << seq << " under policy v1";
      }
    }
  }
  EXPECT_TRUE(switched) << "no batch under the pushed policy\n" << log();
  EXPECT_EQ(statuses_.back()["policy_state"]["version"], 2);
  EXPECT_EQ(statuses_.back()["policy"], v2);
}

}  // namespace
}  // namespace autograph::pipeline
