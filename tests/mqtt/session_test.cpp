// Session against a real mosquitto over TLS on 127.0.0.1.
#include "mqtt/session.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "mqtt/injecting_transport.hpp"
#include "mqtt/mosquitto_broker.hpp"
#include "tls/tls_transport.hpp"

namespace autograph::mqtt {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Listener;
using testing::MosquittoBroker;

SessionOptions test_options(std::string client_id) {
  SessionOptions options;
  options.client_id = std::move(client_id);
  options.keep_alive = seconds(5);
  options.connect_timeout = seconds(3);
  options.backoff = {milliseconds(50), milliseconds(500)};
  return options;
}

std::unique_ptr<Session> make_session(const MosquittoBroker& broker, SessionOptions options,
                                      SessionCallbacks callbacks, const Clock& clock,
                                      const char* ca = "ca.crt") {
  tls::TlsOptions tls;
  tls.host = "localhost";
  tls.port = broker.port(Listener::kTls);
  tls.ca_file = broker.certs() / ca;
  auto transport = tls::TlsTransport::create(tls);
  EXPECT_TRUE(transport.has_value()) << transport.error().message();
  return std::make_unique<Session>(std::move(options), std::move(*transport), clock,
                                   std::move(callbacks));
}

// Runs the sessions (and `step`, once per round) until `done` or `timeout`; returns done().
bool run_until(const std::vector<Session*>& sessions, const std::function<bool()>& done,
               milliseconds timeout, const std::function<void()>& step = {}) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    for (Session* session : sessions) {
      session->run_once(milliseconds(sessions.size() == 1 ? 20 : 2));
    }
    if (step) {
      step();
    }
  }
  return true;
}

std::vector<uint8_t> seq_payload(int seq) {
  const std::string text = "seq=" + std::to_string(seq);
  return {text.begin(), text.end()};
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.start()) << broker_.error(); }

  SteadyClock clock_;
  MosquittoBroker broker_;
};

TEST_F(SessionTest, PublishesAThousandQos1MessagesThatMosquittoSubReceives) {
  const auto received_file = std::filesystem::temp_directory_path() /
                             ("autograph-sub-" + std::to_string(::getpid()) + ".txt");
  const pid_t sub = testing::spawn(
      {"mosquitto_sub", "-h", "localhost", "-p", std::to_string(broker_.port(Listener::kTls)),
       "--cafile", (broker_.certs() / "ca.crt").string(), "-i", "independent-sub", "-q", "1", "-t",
       "vehicle/batches", "-C", "1000", "-W", "60"},
      received_file);
  ASSERT_GT(sub, 0);
  auto session = make_session(broker_, test_options("publisher-1000"), {}, clock_);
  session->start();
  ASSERT_TRUE(run_until(
      {session.get()},
      [&] {
        return broker_.log().find("Received SUBSCRIBE from independent-sub") != std::string::npos &&
               session->state() == SessionState::kConnected;
      },
      seconds(10)))
      << broker_.log();
  int next = 0;
  size_t acked = 0;
  ASSERT_TRUE(run_until(
      {session.get()}, [&] { return next == 1000 && session->in_flight() == 0; }, seconds(60),
      [&] {
        while (next < 1000 && session->can_publish_qos1()) {
          ASSERT_TRUE(session->publish("vehicle/batches", seq_payload(next), 1));
          ++next;
        }
        acked = static_cast<size_t>(next) - session->in_flight();
      }));
  EXPECT_EQ(acked, 1000u);
  EXPECT_EQ(testing::wait_for_exit(sub, seconds(30)), 0);
  std::ifstream file(received_file);
  std::set<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    lines.insert(line);
  }
  std::filesystem::remove(received_file);
  for (int seq = 0; seq < 1000; ++seq) {
    EXPECT_EQ(lines.count("seq=" + std::to_string(seq)), 1u) << "seq " << seq << " missing";
  }
  session->disconnect();
  run_until(
      {session.get()}, [&] { return session->state() == SessionState::kStopped; }, seconds(5));
  EXPECT_EQ(session->state(), SessionState::kStopped);
}

TEST_F(SessionTest, ReconnectsByItselfAfterABrokerRestartAndLosesNothing) {
  std::set<std::string> received;
  SessionCallbacks subscriber_callbacks;
  subscriber_callbacks.on_message = [&](const PublishPacket& message) {
    received.insert(std::string(message.payload.begin(), message.payload.end()));
  };
  auto subscriber =
      make_session(broker_, test_options("restart-sub"), subscriber_callbacks, clock_);
  ASSERT_TRUE(subscriber->subscribe("vehicle/#", 1));
  subscriber->start();
  auto publisher = make_session(broker_, test_options("restart-pub"), {}, clock_);
  publisher->start();
  std::vector<Session*> both = {subscriber.get(), publisher.get()};
  ASSERT_TRUE(run_until(
      both,
      [&] {
        return broker_.log().find("Received SUBSCRIBE from restart-sub") != std::string::npos &&
               publisher->state() == SessionState::kConnected;
      },
      seconds(10)));
  int next = 0;
  bool restarted = false;
  const bool all = run_until(
      both, [&] { return received.size() == 1000; }, seconds(90),
      [&] {
        while (next < 1000 && publisher->can_publish_qos1()) {
          ASSERT_TRUE(publisher->publish("vehicle/batches", seq_payload(next), 1));
          ++next;
        }
        if (next >= 500 && !restarted) {
          restarted = true;
          broker_.stop();
          ASSERT_TRUE(broker_.start()) << broker_.error();
        }
      });
  EXPECT_TRUE(all) << received.size() << " of 1000 received";
  EXPECT_TRUE(restarted);
  EXPECT_GE(publisher->connections(), 2u);
  EXPECT_GE(subscriber->connections(), 2u);
}

TEST_F(SessionTest, DetectsAKeepAliveTimeoutAndReconnectsWhenTheBrokerAnswersAgain) {
  auto options = test_options("keepalive");
  options.keep_alive = seconds(1);
  options.ping_timeout = milliseconds(1000);
  options.connect_timeout = seconds(1);
  auto session = make_session(broker_, options, {}, clock_);
  session->start();
  ASSERT_TRUE(run_until(
      {session.get()}, [&] { return session->connections() == 1; }, seconds(5)));
  broker_.pause();
  const bool timed_out = run_until(
      {session.get()},
      [&] {
        return session->last_error() &&
               session->last_error()->message().find("keep-alive timeout") != std::string::npos;
      },
      seconds(10));
  broker_.resume();
  ASSERT_TRUE(timed_out);
  EXPECT_TRUE(run_until(
      {session.get()}, [&] { return session->connections() == 2; }, seconds(15)));
}

TEST_F(SessionTest, KeepsRetryingAndReportsWhyWhenTheServerCertificateIsUntrusted) {
  auto session = make_session(broker_, test_options("untrusted"), {}, clock_, "other_ca.crt");
  session->start();
  ASSERT_TRUE(session->publish("vehicle/batches", seq_payload(1), 1).has_value());
  run_until(
      {session.get()}, [] { return false; }, milliseconds(1500));
  EXPECT_EQ(session->connections(), 0u);
  ASSERT_TRUE(session->last_error().has_value());
  EXPECT_NE(session->last_error()->message().find("unknown CA"), std::string::npos);
  EXPECT_EQ(broker_.log().find("New client connected"), std::string::npos);
}

TEST_F(SessionTest, TheBrokerPublishesTheWillOnlyWhenTheConnectionDiesUncleanly) {
  std::vector<std::string> status;
  SessionCallbacks callbacks;
  callbacks.on_message = [&](const PublishPacket& message) {
    status.emplace_back(message.payload.begin(), message.payload.end());
  };
  auto watcher = make_session(broker_, test_options("watcher"), callbacks, clock_);
  ASSERT_TRUE(watcher->subscribe("status/device", 1));
  watcher->start();
  auto options = test_options("device");
  options.will = Will{"status/device", {'o', 'f', 'f'}, 1, false};
  for (bool clean : {true, false}) {
    auto device = make_session(broker_, options, {}, clock_);
    device->start();
    ASSERT_TRUE(run_until(
        {watcher.get(), device.get()},
        [&] { return device->connections() == 1 && watcher->connections() == 1; }, seconds(5)));
    if (clean) {
      device->disconnect();
      run_until(
          {device.get()}, [&] { return device->state() == SessionState::kStopped; }, seconds(5));
    }
    device.reset();  // without disconnect(): the socket just closes
    run_until(
        {watcher.get()}, [&] { return !status.empty(); }, seconds(clean ? 1 : 5));
    EXPECT_EQ(status.size(), clean ? 0u : 1u) << (clean ? "clean" : "unclean");
  }
}

TEST_F(SessionTest, DropsTheConnectionOnAMalformedOrUnexpectedPacketAndReconnects) {
  tls::TlsOptions tls;
  tls.host = "localhost";
  tls.port = broker_.port(Listener::kTls);
  tls.ca_file = broker_.certs() / "ca.crt";
  auto injecting =
      std::make_unique<testing::InjectingTransport>(std::move(*tls::TlsTransport::create(tls)));
  testing::InjectingTransport* injector = injecting.get();
  auto options = test_options("fault");
  options.max_packet_bytes = 1000;
  Session session(options, std::move(injecting), clock_, {});
  session.start();
  struct Fault {
    std::vector<uint8_t> bytes;
    std::string reason;
  };
  const std::vector<Fault> faults = {
      {{0x40, 0x03, 0x00, 0x01, 0x02}, "PUBACK: remaining length 3 is not 2"},
      {{0x20, 0x02, 0x00, 0x00}, "CONNACK outside connection set-up"},
      {{0x30, 0xFF, 0xFF, 0x03}, "exceeds the limit of 1000 bytes"},
      {{0xC0, 0x00}, "PINGREQ, a packet only clients send"},
      {{0x32, 0x04, 0x00, 0x01, '#', 0x00}, "PUBLISH"},
  };
  uint64_t connections = 0;
  for (const auto& fault : faults) {
    ASSERT_TRUE(run_until(
        {&session}, [&] { return session.connections() == connections + 1; }, seconds(10)));
    ++connections;
    injector->inject(fault.bytes);
    ASSERT_TRUE(run_until(
        {&session}, [&] { return session.state() != SessionState::kConnected; }, seconds(5)));
    ASSERT_TRUE(session.last_error().has_value());
    EXPECT_EQ(session.last_error()->code(), ErrorCode::kMalformed);
    EXPECT_NE(session.last_error()->message().find(fault.reason), std::string::npos)
        << session.last_error()->message();
  }
  EXPECT_TRUE(run_until(
      {&session}, [&] { return session.connections() == connections + 1; }, seconds(10)));
}

TEST(SessionApi, RefusesInvalidPublishesAndSubscriptions) {
  SteadyClock clock;
  tls::TlsOptions tls;
  tls.host = "localhost";
  tls.port = testing::free_port();
  tls.ca_file = testing::test_certificates() / "ca.crt";
  Session session(test_options("api"), std::move(*tls::TlsTransport::create(tls)), clock, {});
  EXPECT_EQ(session.publish("a/+", {}, 1).error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(session.publish("a", {}, 2).error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(session.publish("a", {}, 0).error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(session.subscribe("a/#/b", 1).error().code(), ErrorCode::kMalformed);
  auto options = test_options("window");
  options.max_in_flight = 2;
  Session small(options, std::move(*tls::TlsTransport::create(tls)), clock, {});
  EXPECT_TRUE(small.publish("a", {}, 1).has_value());
  EXPECT_TRUE(small.publish("a", {}, 1).has_value());
  EXPECT_FALSE(small.can_publish_qos1());
  EXPECT_EQ(small.publish("a", {}, 1).error().code(), ErrorCode::kUnavailable);
  small.disconnect();
  EXPECT_EQ(small.state(), SessionState::kStopped);
  EXPECT_EQ(small.publish("a", {}, 1).error().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace autograph::mqtt
