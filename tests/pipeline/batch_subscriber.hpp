// BatchSubscriber: the receiving end for pipeline tests: an mqtt::Session subscribed (QoS 1) to
// a topic filter on a test broker, that verifies every message as a signed envelope and keeps
// them by stream and seq.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "mqtt/mosquitto_broker.hpp"
#include "mqtt/session.hpp"
#include "tls/tls_transport.hpp"

namespace autograph::pipeline::testing {

class BatchSubscriber {
 public:
  // Connects as `client_id` to the broker's TLS listener and subscribes to `filter`.
  BatchSubscriber(mqtt::testing::MosquittoBroker& broker, const std::string& client_id,
                  const std::string& filter)
      : broker_(broker), client_id_(client_id) {
    tls::TlsOptions tls;
    tls.host = "localhost";
    tls.port = broker.port(mqtt::testing::Listener::kTls);
    tls.ca_file = broker.certs() / "ca.crt";
    mqtt::SessionOptions options;
    options.client_id = client_id;
    options.max_packet_bytes = 4 << 20;
    mqtt::SessionCallbacks callbacks;
    callbacks.on_message = [this](const mqtt::PublishPacket& message) { receive(message); };
    session_ = std::make_unique<mqtt::Session>(options, std::move(*tls::TlsTransport::create(tls)),
                                               clock_, std::move(callbacks));
    EXPECT_TRUE(session_->subscribe(filter, 1).has_value());
    session_->start();
  }

  // Runs the session until the broker has logged our SUBSCRIBE (at most 10 s).
  bool wait_until_subscribed() {
    const std::string line = "Received SUBSCRIBE from " + client_id_;
    return run_until([&] { return broker_.log().find(line) != std::string::npos; },
                     std::chrono::seconds(10));
  }

  // Runs the session until done() or the timeout; returns done().
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < give_up) {
      session_->run_once(std::chrono::milliseconds(10));
    }
    return done();
  }

  // Verified envelopes by stream name, then seq; a repeated seq keeps the first.
  const std::map<std::string, std::map<uint64_t, signing::VerifiedEnvelope>>& by_stream() const {
    return by_stream_;
  }
  // Messages received by topic, counted.
  const std::map<std::string, size_t>& topics() const { return topics_; }
  const signing::ChainVerifier& chains() const { return chains_; }
  size_t messages() const { return messages_; }
  mqtt::Session& session() { return *session_; }

  // Called for every message that verifies (status events included).
  std::function<void(const std::string& topic, const signing::VerifiedEnvelope&)> on_envelope;

 private:
  void receive(const mqtt::PublishPacket& message) {
    ++messages_;
    ++topics_[message.topic];
    const std::string text(message.payload.begin(), message.payload.end());
    Result<signing::VerifiedEnvelope> envelope = signing::verify_envelope(text, std::nullopt);
    EXPECT_TRUE(envelope.has_value()) << message.topic << ": " << envelope.error().message();
    if (!envelope) {
      return;
    }
    chains_.add(*envelope);
    by_stream_[envelope->stream].emplace(envelope->seq, *envelope);
    if (on_envelope) {
      on_envelope(message.topic, *envelope);
    }
  }

  mqtt::testing::MosquittoBroker& broker_;
  std::string client_id_;
  mqtt::SteadyClock clock_;
  std::unique_ptr<mqtt::Session> session_;
  std::map<std::string, std::map<uint64_t, signing::VerifiedEnvelope>> by_stream_;
  std::map<std::string, size_t> topics_;
  signing::ChainVerifier chains_;
  size_t messages_ = 0;
};

}  // namespace autograph::pipeline::testing
