// `autograph replay` publishing to a real mosquitto over TLS: a two-grantee policy over the Kona
// capture; a subscriber receives every seq of every stream, signed by the device and chained
// without a gap; after SIGTERM mid-replay and a restart on the same state and spool, every batch
// still arrives.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "batch_subscriber.hpp"
#include "mqtt/mosquitto_broker.hpp"
#include "pipeline/stream_cursor_file.hpp"
#include "pipeline_test_support.hpp"
#include "replay_device.hpp"
#include "spool/spool.hpp"

namespace autograph::pipeline {
namespace {

using namespace std::chrono_literals;
using mqtt::testing::MosquittoBroker;
using testing::BatchSubscriber;
using testing::ReplayDevice;

class PublishReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.start()) << broker_.error();
    device_ =
        std::make_unique<ReplayDevice>(scratch_.path(), broker_.port(mqtt::testing::Listener::kTls),
                                       (broker_.certs() / "ca.crt").string());
    subscriber_ = std::make_unique<BatchSubscriber>(broker_, "test-subscriber", "fleet/#");
    ASSERT_TRUE(subscriber_->wait_until_subscribed()) << broker_.log();
  }

  // Runs the subscriber while `pid` runs; returns its wait status, -1 after `limit`.
  int run_until_exit(pid_t pid, std::chrono::milliseconds limit) {
    int status = -1;
    subscriber_->run_until(
        [&] { return status != -1 || (status = testing::exit_status_now(pid)) != -1; }, limit);
    if (status == -1) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    return status;
  }

  uint64_t next_seq(const std::string& stream) const {
    Result<signing::StreamCursor> cursor =
        StreamCursorFile(device_->dir / "state/streams" / (stream + ".cursor")).load();
    EXPECT_TRUE(cursor.has_value());
    return cursor ? cursor->next_seq : 0;
  }

  // Every seq 0..next_seq-1 of both streams received, signed by the device, chains unbroken.
  void expect_every_batch() {
    for (const std::string stream : {"insurer", "fleet"}) {
      const uint64_t count = next_seq(stream);
      ASSERT_GT(count, 0u) << stream;
      EXPECT_TRUE(subscriber_->run_until(
          [&] {
            auto found = subscriber_->by_stream().find(stream);
            return found != subscriber_->by_stream().end() && found->second.size() == count;
          },
          10s))
          << stream << ": " << count << " batches made";
      const auto& received = subscriber_->by_stream().at(stream);
      for (uint64_t seq = 0; seq < count; ++seq) {
        ASSERT_EQ(received.count(seq), 1u) << stream << " seq " << seq << " missing";
        EXPECT_EQ(received.at(seq).signer.to_checksum_hex(), device_->device);
      }
    }
    for (const signing::ChainFinding& finding : subscriber_->chains().findings()) {
      EXPECT_FALSE(finding.is_error()) << finding.message;
    }
    const std::string topic = "fleet/" + device_->device + "/";
    EXPECT_GT(subscriber_->topics().count(topic + "insurer"), 0u);
    EXPECT_GT(subscriber_->topics().count(topic + "fleet"), 0u);
  }

  size_t pending_in_spool(const std::string& stream) const {
    Result<spool::Spool> spool = spool::Spool::open({.dir = device_->dir / "spool" / stream});
    EXPECT_TRUE(spool.has_value()) << spool.error().message();
    return spool ? spool->stats().pending_records : 0;
  }

  testing::ScratchDir scratch_{"ag-publish-replay"};
  MosquittoBroker broker_;
  std::unique_ptr<ReplayDevice> device_;
  std::unique_ptr<BatchSubscriber> subscriber_;
};

TEST_F(PublishReplayTest, EverySeqOfEveryStreamArrivesAndTheSpoolsEmpty) {
  const pid_t pid = testing::start_process(device_->replay_args("max"), device_->log());
  const int status = run_until_exit(pid, 120s);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << status << "\n"
      << testing::run_shell("cat " + device_->log());
  expect_every_batch();
  EXPECT_EQ(pending_in_spool("insurer"), 0u);
  EXPECT_EQ(pending_in_spool("fleet"), 0u);
  // Only what each grantee may get: the insurer's policy names Vehicle.Speed alone.
  for (const auto& [seq, envelope] : subscriber_->by_stream().at("insurer")) {
    EXPECT_EQ(envelope.data.find("Vehicle.Chassis"), std::string::npos) << envelope.data;
  }
}

TEST_F(PublishReplayTest, SigtermMidReplayThenARestartDeliversEveryBatch) {
  const pid_t first = testing::start_process(device_->replay_args("1"), device_->log());
  subscriber_->run_until([] { return false; }, 1000ms);
  // The broker stops answering: what is made from now on stays in the spool.
  broker_.pause();
  std::this_thread::sleep_for(1500ms);
  ::kill(first, SIGTERM);
  const auto signalled = std::chrono::steady_clock::now();
  int status = -1;
  for (int i = 0; i < 500 && status == -1; ++i) {
    std::this_thread::sleep_for(10ms);
    status = testing::exit_status_now(first);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 2s) << "exit within 2 s of SIGTERM";
  broker_.resume();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << status << "\n"
      << testing::run_shell("cat " + device_->log());
  EXPECT_GT(pending_in_spool("fleet"), 0u) << "batches undelivered at SIGTERM stay spooled";
  const uint64_t first_run = next_seq("insurer");
  ASSERT_GT(first_run, 0u);

  const pid_t second = testing::start_process(device_->replay_args("max"), device_->log());
  const int second_status = run_until_exit(second, 120s);
  ASSERT_TRUE(WIFEXITED(second_status) && WEXITSTATUS(second_status) == 0) << second_status;
  EXPECT_GT(next_seq("insurer"), first_run);
  expect_every_batch();
  std::set<std::string> boots;
  for (const auto& [seq, envelope] : subscriber_->by_stream().at("fleet")) {
    boots.insert(envelope.boot);
  }
  EXPECT_EQ(boots.size(), 2u) << "batches of both runs";
}

}  // namespace
}  // namespace autograph::pipeline
