// PublisherSet against a real mosquitto over TLS: streams sharing an endpoint share a session;
// a stream that leaves delivers what its spool holds and then goes, closing a session nothing
// else uses; an endpoint that can't be set up is reported and its stream stays spooled.
#include "pipeline/publisher_set.hpp"

#include <gtest/gtest.h>

#include <poll.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include "mqtt/mosquitto_broker.hpp"
#include "tls/tls_transport.hpp"

namespace autograph::pipeline {
namespace {

using namespace std::chrono_literals;
using mqtt::testing::Listener;
using mqtt::testing::MosquittoBroker;
using mqtt::testing::TempDir;

class PublisherSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.start()) << broker_.error();
    tls::TlsOptions tls;
    tls.host = "localhost";
    tls.port = broker_.port(Listener::kTls);
    tls.ca_file = broker_.certs() / "ca.crt";
    mqtt::SessionOptions options;
    options.client_id = "publisher-set-test-subscriber";
    mqtt::SessionCallbacks callbacks;
    callbacks.on_message = [this](const mqtt::PublishPacket& message) {
      received_[message.topic].insert(std::string(message.payload.begin(), message.payload.end()));
    };
    subscriber_ = std::make_unique<mqtt::Session>(
        options, std::move(*tls::TlsTransport::create(tls)), clock_, std::move(callbacks));
    ASSERT_TRUE(subscriber_->subscribe("set/#", 1).has_value());
    subscriber_->start();
    ASSERT_TRUE(run_until([&] {
      return broker_.log().find("Received SUBSCRIBE from publisher-set-test-subscriber") !=
             std::string::npos;
    }));
    base_.client_id = "0xDevice";
    base_.backoff = {50ms, 500ms};
  }

  policy::Endpoint endpoint(Listener listener = Listener::kTls) const {
    policy::Endpoint endpoint;
    endpoint.host = "localhost";
    endpoint.port = broker_.port(listener);
    endpoint.ca = (broker_.certs() / "ca.crt").string();
    return endpoint;
  }

  spool::Spool& spool(const std::string& stream, int records) {
    auto opened = spool::Spool::open({.dir = dir_.path() / stream});
    EXPECT_TRUE(opened.has_value()) << opened.error().message();
    auto& spool = spools_.emplace(stream, std::move(*opened)).first->second;
    for (int i = 0; i < records; ++i) {
      const std::string text = stream + "-" + std::to_string(i);
      EXPECT_TRUE(
          spool.append(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()))
              .has_value());
    }
    return spool;
  }

  PublisherSet::SpoolLookup lookup() {
    return [this](const std::string& stream) -> Result<spool::Spool*> {
      auto found = spools_.find(stream);
      if (found == spools_.end()) {
        return fail(ErrorCode::kFailedPrecondition, "no spool {}", stream);
      }
      return &found->second;
    };
  }

  bool run_until(const std::function<bool()>& done, PublisherSet* set = nullptr,
                 std::chrono::milliseconds timeout = 20s) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) {
        return false;
      }
      subscriber_->run_once(5ms);
      if (set != nullptr) {
        std::vector<pollfd> fds;
        auto wake = std::chrono::steady_clock::now() + 5ms;
        set->add_poll_fds(fds, wake);
        (void)::poll(fds.data(), fds.size(), 5);
        set->run();
      }
    }
    return true;
  }

  mqtt::SteadyClock clock_;
  MosquittoBroker broker_;
  TempDir dir_;
  std::map<std::string, spool::Spool> spools_;
  std::unique_ptr<mqtt::Session> subscriber_;
  std::map<std::string, std::set<std::string>> received_;
  mqtt::SessionOptions base_;
};

TEST_F(PublisherSetTest, StreamsOnOneEndpointShareASessionAndEveryRecordArrives) {
  spool("a", 50);
  spool("b", 30);
  PublisherSet set(base_, clock_, lookup());
  set.set_targets({{"a", "set/a", endpoint()}, {"b", "set/b", endpoint()}});
  ASSERT_EQ(set.status().size(), 1u);
  EXPECT_EQ(set.status()[0].streams, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(run_until(
      [&] { return received_["set/a"].size() == 50 && received_["set/b"].size() == 30; }, &set));
  ASSERT_TRUE(run_until([&] { return set.drained(); }, &set));
  EXPECT_EQ(spools_.at("a").stats().pending_records, 0u);
  EXPECT_EQ(set.status()[0].state, "connected");
  EXPECT_EQ(set.status()[0].connections, 1u);
  set.disconnect_all();
  ASSERT_TRUE(run_until([&] { return set.stopped(); }, &set));
}

TEST_F(PublisherSetTest, AStreamThatLeftDeliversItsSpoolThenItsSessionCloses) {
  spool("stay", 5);
  spool("leave", 40);
  PublisherSet set(base_, clock_, lookup());
  // Another endpoint for "leave" alone: the same listener with a client certificate is another
  // connection key, so another session.
  policy::Endpoint other = endpoint();
  other.client_cert = (broker_.certs() / "client.crt").string();
  other.client_key = (broker_.certs() / "client.key").string();
  set.set_targets({{"stay", "set/stay", endpoint()}, {"leave", "set/leave", other}});
  ASSERT_EQ(set.status().size(), 2u);
  set.set_targets({{"stay", "set/stay", endpoint()}});
  ASSERT_TRUE(run_until([&] { return received_["set/leave"].size() == 40; }, &set));
  ASSERT_TRUE(run_until([&] { return set.status().size() == 1u; }, &set))
      << "the session of the stream that left closes once its spool is delivered";
  EXPECT_EQ(spools_.at("leave").stats().pending_records, 0u);
  EXPECT_EQ(set.status()[0].streams, (std::vector<std::string>{"stay"}));
}

TEST_F(PublisherSetTest, AnUnusableEndpointIsReportedAndItsStreamStaysSpooled) {
  spool("a", 3);
  PublisherSet set(base_, clock_, lookup());
  policy::Endpoint broken = endpoint();
  broken.ca = (dir_.path() / "missing-ca.pem").string();
  set.set_targets({{"a", "set/a", broken}});
  ASSERT_EQ(set.status().size(), 1u);
  EXPECT_EQ(set.status()[0].state, "unusable");
  EXPECT_NE(set.status()[0].last_error.find("missing-ca.pem"), std::string::npos)
      << set.status()[0].last_error;
  EXPECT_TRUE(set.drained()) << "nothing to wait for: it can't be delivered";
  EXPECT_EQ(spools_.at("a").stats().pending_records, 3u);
}

TEST_F(PublisherSetTest, TakesAnInlinePemCa) {
  spool("a", 4);
  std::ifstream file(broker_.certs() / "ca.crt");
  policy::Endpoint inline_ca = endpoint();
  inline_ca.ca.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  PublisherSet set(base_, clock_, lookup());
  set.set_targets({{"a", "set/a", inline_ca}});
  ASSERT_TRUE(run_until([&] { return received_["set/a"].size() == 4; }, &set));
}

}  // namespace
}  // namespace autograph::pipeline
