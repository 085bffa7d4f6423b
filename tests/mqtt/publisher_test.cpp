// Publisher: spool to mosquitto over TLS, and delivery across kill -9 of the publishing process.
#include "mqtt/publisher.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <set>

#include "mqtt/mosquitto_broker.hpp"
#include "tls/tls_transport.hpp"

namespace autograph::mqtt {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Listener;
using testing::MosquittoBroker;

std::vector<uint8_t> seq_payload(int seq) {
  const std::string text = "seq=" + std::to_string(seq);
  return {text.begin(), text.end()};
}

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.start()) << broker_.error();
    SessionCallbacks callbacks;
    callbacks.on_message = [this](const PublishPacket& message) {
      received_.insert(std::string(message.payload.begin(), message.payload.end()));
      ++deliveries_;
    };
    subscriber_ = make_session("batch-subscriber", callbacks);
    ASSERT_TRUE(subscriber_->subscribe("fleet/insurer", 1));
    subscriber_->start();
    ASSERT_TRUE(run_until(
        {subscriber_.get()},
        [&] {
          return broker_.log().find("Received SUBSCRIBE from batch-subscriber") !=
                 std::string::npos;
        },
        seconds(10)));
  }

  std::unique_ptr<Session> make_session(std::string client_id, SessionCallbacks callbacks) {
    tls::TlsOptions tls;
    tls.host = "localhost";
    tls.port = broker_.port(Listener::kTls);
    tls.ca_file = broker_.certs() / "ca.crt";
    SessionOptions options;
    options.client_id = std::move(client_id);
    options.backoff = {milliseconds(50), milliseconds(500)};
    return std::make_unique<Session>(options, std::move(*tls::TlsTransport::create(tls)), clock_,
                                     std::move(callbacks));
  }

  bool run_until(const std::vector<Session*>& sessions, const std::function<bool()>& done,
                 milliseconds timeout, const std::function<void()>& step = {}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      for (Session* session : sessions) {
        session->run_once(milliseconds(2));
      }
      if (step) {
        step();
      }
    }
    return true;
  }

  // Fills a spool in `dir` with records "seq=0" .. "seq=<count - 1>".
  void fill_spool(const std::filesystem::path& dir, int count) {
    auto spool = spool::Spool::open({.dir = dir});
    ASSERT_TRUE(spool.has_value()) << spool.error().message();
    for (int seq = 0; seq < count; ++seq) {
      ASSERT_TRUE(spool->append(seq_payload(seq)).has_value());
    }
  }

  void expect_every_seq(int count) {
    for (int seq = 0; seq < count; ++seq) {
      EXPECT_EQ(received_.count("seq=" + std::to_string(seq)), 1u) << "seq " << seq << " missing";
    }
  }

  SteadyClock clock_;
  MosquittoBroker broker_;
  std::unique_ptr<Session> subscriber_;
  std::set<std::string> received_;
  size_t deliveries_ = 0;
};

TEST_F(PublisherTest, PublishesEverySpooledRecordAndTrimsTheSpoolOnPuback) {
  testing::TempDir dir;
  fill_spool(dir.path() / "spool", 300);
  auto spool = spool::Spool::open({.dir = dir.path() / "spool"});
  ASSERT_TRUE(spool.has_value());
  Publisher* publisher = nullptr;
  SessionCallbacks callbacks;
  callbacks.on_puback = [&publisher](uint16_t id) { publisher->on_puback(id); };
  auto session = make_session("spool-in-process", callbacks);
  Publisher drain(*spool, *session, "fleet/insurer");
  publisher = &drain;
  session->start();
  ASSERT_TRUE(run_until(
      {subscriber_.get(), session.get()},
      [&] { return received_.size() == 300 && spool->stats().pending_records == 0; }, seconds(60),
      [&] { ASSERT_TRUE(drain.pump().has_value()); }));
  EXPECT_EQ(drain.acknowledged(), 300u);
  expect_every_seq(300);
}

TEST_F(PublisherTest, EverySeqArrivesAtLeastOnceWhenThePublisherIsKilledMidWay) {
  testing::TempDir dir;
  const auto spool_dir = dir.path() / "spool";
  constexpr int kCount = 1000;
  fill_spool(spool_dir, kCount);
  const std::vector<std::string> argv = {SPOOL_PUBLISHER_PATH, spool_dir.string(),
                                         std::to_string(broker_.port(Listener::kTls)),
                                         (broker_.certs() / "ca.crt").string(), "fleet/insurer"};
  const pid_t first = testing::spawn(argv, dir.path() / "first.log");
  ASSERT_TRUE(run_until(
      {subscriber_.get()}, [&] { return received_.size() >= 300; }, seconds(60)));
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  EXPECT_EQ(testing::wait_for_exit(first, seconds(10)), 128 + SIGKILL);
  const size_t before_restart = received_.size();
  EXPECT_LT(before_restart, static_cast<size_t>(kCount)) << "killed too late to test anything";
  const pid_t second = testing::spawn(argv, dir.path() / "second.log");
  EXPECT_TRUE(run_until(
      {subscriber_.get()}, [&] { return received_.size() == kCount; }, seconds(90)));
  EXPECT_EQ(testing::wait_for_exit(second, seconds(30)), 0);
  expect_every_seq(kCount);
  auto spool = spool::Spool::open({.dir = spool_dir});
  ASSERT_TRUE(spool.has_value());
  EXPECT_EQ(spool->stats().pending_records, 0u);
  RecordProperty("received_before_kill", static_cast<int>(before_restart));
  RecordProperty("deliveries_including_duplicates", static_cast<int>(deliveries_));
}

TEST(Publisher, ReportsATopicThatCannotBePublishedAndStops) {
  testing::TempDir dir;
  auto spool = spool::Spool::open({.dir = dir.path() / "spool"});
  ASSERT_TRUE(spool.has_value());
  ASSERT_TRUE(spool->append(seq_payload(0)).has_value());
  tls::TlsOptions tls;
  tls.host = "localhost";
  tls.port = testing::free_port();
  tls.ca_file = testing::test_certificates() / "ca.crt";
  SteadyClock clock;
  SessionOptions options;
  options.client_id = "bad-topic";
  Session session(options, std::move(*tls::TlsTransport::create(tls)), clock, {});
  Publisher publisher(*spool, session, "fleet/#");
  auto pumped = publisher.pump();
  ASSERT_FALSE(pumped.has_value());
  EXPECT_EQ(pumped.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(pumped.error().message().find("fleet/#"), std::string::npos);
  EXPECT_EQ(publisher.in_flight(), 0u);
  EXPECT_EQ(spool->stats().pending_records, 1u);
}

}  // namespace
}  // namespace autograph::mqtt
