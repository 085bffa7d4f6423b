// `autograph watch` run as a process against a real mosquitto over TLS on 127.0.0.1, receiving
// envelopes signed by the real StreamSigner and published by our MQTT session.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mqtt/mosquitto_broker.hpp"
#include "mqtt/session.hpp"
#include "signing/envelope_fixture.hpp"
#include "tls/tls_transport.hpp"

namespace autograph::cli {
namespace {

namespace fs = std::filesystem;
using mqtt::testing::Listener;
using mqtt::testing::MosquittoBroker;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string read_text(const fs::path& path) {
  std::ifstream file(path);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == '{') {
      lines.push_back(nlohmann::json::parse(line));
    }
  }
  return lines;
}

class WatchCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.start()) << broker_.error();
    output_ = dir_.path() / "watch.out";
  }

  void TearDown() override {
    if (watch_ > 0) {
      ::kill(watch_, SIGKILL);
      mqtt::testing::wait_for_exit(watch_, seconds(5));
    }
  }

  // Starts `autograph watch` on the TLS listener with `extra` arguments, and waits until the
  // broker has acknowledged its subscriptions (so nothing published afterwards is missed).
  void start_watch(const std::vector<std::string>& extra, const std::string& topic = "car/#") {
    std::vector<std::string> argv = {AUTOGRAPH_CLI_PATH,
                                     "watch",
                                     "--port",
                                     std::to_string(broker_.port(Listener::kTls)),
                                     "--ca",
                                     (broker_.certs() / "ca.crt").string(),
                                     "--topic",
                                     topic,
                                     "--client-id",
                                     "watch-under-test"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    watch_ = mqtt::testing::spawn(argv, output_);
    const auto deadline = std::chrono::steady_clock::now() + seconds(15);
    while (broker_.log().find("Sending SUBACK to watch-under-test") == std::string::npos) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "watch never subscribed; its output:\n"
          << read_text(output_) << "\nbroker log:\n"
          << broker_.log();
      std::this_thread::sleep_for(milliseconds(20));
    }
  }

  // Publishes each payload at QoS 1 on `topic` and waits for every PUBACK.
  void publish(const std::vector<std::string>& payloads, const std::string& topic = "car/owner") {
    tls::TlsOptions tls;
    tls.host = "localhost";
    tls.port = broker_.port(Listener::kTls);
    tls.ca_file = broker_.certs() / "ca.crt";
    auto transport = tls::TlsTransport::create(tls);
    ASSERT_TRUE(transport) << transport.error().message();
    mqtt::SessionOptions options;
    options.client_id = "test-publisher";
    options.clean_session = true;
    mqtt::SteadyClock clock;
    mqtt::Session session(options, std::move(*transport), clock, {});
    session.start();
    for (const std::string& payload : payloads) {
      auto id = session.publish(topic, {payload.begin(), payload.end()}, 1);
      ASSERT_TRUE(id) << id.error().message();
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(10);
    while (session.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      session.run_once(milliseconds(20));
    }
    EXPECT_EQ(session.in_flight(), 0u);
    session.disconnect();
    for (int i = 0; i < 50 && session.state() != mqtt::SessionState::kStopped; ++i) {
      session.run_once(milliseconds(20));
    }
  }

  int wait_for_watch(std::chrono::milliseconds timeout) {
    const int status = mqtt::testing::wait_for_exit(watch_, timeout);
    watch_ = -1;
    return status;
  }

  mqtt::testing::TempDir dir_;
  MosquittoBroker broker_;
  fs::path output_;
  pid_t watch_ = -1;
  const signing::SecretKey key_ = signing::test::key_from_hex(signing::test::kWeb3DocsKey);
  const std::vector<std::string> batches_ = signing::test::sign_batches(key_, "owner", 4);
};

TEST_F(WatchCommandTest, PrintsOneVerifiedJsonLinePerBatchAndExitsZeroAfterCount) {
  start_watch({"--jsonl", "--count", "3", "--timeout", "30", "--device",
               std::string(signing::test::kWeb3DocsAddress)});
  publish({batches_[0], batches_[1], batches_[2]});
  ASSERT_EQ(wait_for_watch(seconds(20)), 0) << read_text(output_);
  const auto lines = json_lines(read_text(output_));
  ASSERT_EQ(lines.size(), 3u) << read_text(output_);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["topic"], "car/owner");
    EXPECT_EQ(lines[i]["stream"], "owner");
    EXPECT_EQ(lines[i]["seq"], i);
    EXPECT_EQ(lines[i]["verified"], true);
    EXPECT_EQ(lines[i]["chain"], "ok");
    // The exact data bytes that were signed, found verbatim in what was published.
    EXPECT_NE(batches_[i].find(",\"data\":" + lines[i]["data"].get<std::string>() + ",\"sig"),
              std::string::npos);
  }
}

TEST_F(WatchCommandTest, ExitsOneOnATamperedEnvelopeAndReportsTheGapAfterIt) {
  start_watch({"--jsonl", "--count", "4", "--timeout", "30"});
  std::string tampered = batches_[1];
  const size_t at = tampered.find("\"Vehicle.Speed\":[[0,");
  ASSERT_NE(at, std::string::npos);
  tampered[at + 20] = tampered[at + 20] == '9' ? '8' : '9';
  // seq 1 arrives tampered and is not part of the chain, so seq 2 follows a gap; seq 3 is fine.
  publish({batches_[0], tampered, batches_[2], batches_[3]});
  ASSERT_EQ(wait_for_watch(seconds(20)), 1) << read_text(output_);
  const auto lines = json_lines(read_text(output_));
  ASSERT_EQ(lines.size(), 4u) << read_text(output_);
  EXPECT_EQ(lines[0]["chain"], "ok");
  EXPECT_EQ(lines[1]["verified"], false);
  EXPECT_NE(lines[1]["error"].get<std::string>().find("signature"), std::string::npos);
  EXPECT_EQ(lines[2]["verified"], true);
  EXPECT_EQ(lines[2]["chain"], "gap");
  EXPECT_NE(lines[2]["findings"][0].get<std::string>().find("seq 1 missing between 0 and 2"),
            std::string::npos)
      << lines[2];
  EXPECT_EQ(lines[3]["chain"], "ok");
}

TEST_F(WatchCommandTest, DropsAResentDuplicateAndCountsItOnce) {
  start_watch({"--jsonl", "--count", "2", "--timeout", "30"});
  publish({batches_[0], batches_[0], batches_[1]});
  ASSERT_EQ(wait_for_watch(seconds(20)), 0) << read_text(output_);
  const auto lines = json_lines(read_text(output_));
  ASSERT_EQ(lines.size(), 3u) << read_text(output_);
  EXPECT_EQ(lines[1]["chain"], "duplicate");
  EXPECT_EQ(lines[2]["seq"], 1);
}

TEST_F(WatchCommandTest, PrintsATablePerBatchWithUnitsFromTheMapping) {
  start_watch({"--count", "1", "--timeout", "30", "--mapping",
               std::string(AUTOGRAPH_SOURCE_DIR) + "/vehicles/hyundai-kona-ev/mapping.json"});
  publish({batches_[0]});
  ASSERT_EQ(wait_for_watch(seconds(20)), 0) << read_text(output_);
  const std::string out = read_text(output_);
  EXPECT_NE(
      out.find("owner  seq 0  09:40:00.000 .. 09:40:01.000 UTC (1.0 s)  verified ✓  chain ok"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("2 x   last 51 km/h"), std::string::npos) << out;
}

TEST_F(WatchCommandTest, ExitsThreeOnTimeout) {
  start_watch({"--count", "1", "--timeout", "1"});
  EXPECT_EQ(wait_for_watch(seconds(10)), 3) << read_text(output_);
  EXPECT_NE(read_text(output_).find("timed out after 1 s with 0 of 1 messages"), std::string::npos);
}

TEST_F(WatchCommandTest, StopsCleanlyOnSigterm) {
  start_watch({});
  ::kill(watch_, SIGTERM);
  EXPECT_EQ(wait_for_watch(seconds(5)), 0) << read_text(output_);
}

TEST_F(WatchCommandTest, RefusesABadDeviceAddressAsUsage) {
  const pid_t pid = mqtt::testing::spawn(
      {AUTOGRAPH_CLI_PATH, "watch", "--ca", (broker_.certs() / "ca.crt").string(), "--topic", "x",
       "--device", "0x1234"},
      output_);
  EXPECT_EQ(mqtt::testing::wait_for_exit(pid, seconds(10)), 2);
  EXPECT_NE(read_text(output_).find("--device"), std::string::npos);
}

TEST_F(WatchCommandTest, RefusesANegativeTimeoutAsUsage) {
  const pid_t pid = mqtt::testing::spawn(
      {AUTOGRAPH_CLI_PATH, "watch", "--ca", (broker_.certs() / "ca.crt").string(), "--topic", "x",
       "--timeout", "-1"},
      output_);
  EXPECT_EQ(mqtt::testing::wait_for_exit(pid, seconds(10)), 2);
  EXPECT_NE(read_text(output_).find("--timeout -1: not 0..31536000 seconds"), std::string::npos)
      << read_text(output_);
}

}  // namespace
}  // namespace autograph::cli
