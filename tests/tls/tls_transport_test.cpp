#include "tls/tls_transport.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "mqtt/connack_packet.hpp"
#include "mqtt/connect_packet.hpp"
#include "mqtt/mosquitto_broker.hpp"
#include "mqtt/packet_decoder.hpp"

namespace autograph::tls {
namespace {

using mqtt::testing::Listener;
using mqtt::testing::MosquittoBroker;
using std::chrono::steady_clock;

short poll_events(const Transport& transport) {
  return transport.interest() == Interest::kRead ? POLLIN : POLLOUT;
}

// Opens and drives the connection until it is up, fails, or 10 s pass.
Result<bool> connect(Transport& transport) {
  if (auto opened = transport.open(); !opened) {
    return tl::unexpected(opened.error());
  }
  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while (steady_clock::now() < deadline) {
    auto up = transport.advance();
    if (!up || *up) {
      return up;
    }
    pollfd pfd{transport.fd(), poll_events(transport), 0};
    ::poll(&pfd, 1, 50);
  }
  return false;
}

TlsOptions options_for(const MosquittoBroker& broker, Listener listener,
                       const char* ca = "ca.crt") {
  TlsOptions options;
  options.host = "localhost";
  options.port = broker.port(listener);
  options.ca_file = broker.certs() / ca;
  return options;
}

// Sends CONNECT over the transport and returns the broker's CONNACK.
mqtt::ConnackPacket exchange_connect(Transport& transport, const std::string& client_id) {
  std::vector<uint8_t> out;
  mqtt::ConnectPacket connect_packet;
  connect_packet.client_id = client_id;
  EXPECT_TRUE(mqtt::encode_connect(connect_packet, out).has_value());
  size_t sent = 0;
  mqtt::PacketDecoder decoder(1024);
  const auto deadline = steady_clock::now() + std::chrono::seconds(10);
  while (steady_clock::now() < deadline) {
    if (sent < out.size()) {
      auto written = transport.write(std::span(out).subspan(sent));
      EXPECT_TRUE(written.has_value()) << written.error().message();
      sent += written.value_or(0);
    }
    uint8_t buffer[256];
    auto received = transport.read(buffer);
    EXPECT_TRUE(received.has_value()) << received.error().message();
    if (!received) {
      break;
    }
    decoder.feed(std::span(buffer, *received));
    auto packet = decoder.next();
    if (packet && *packet) {
      return std::get<mqtt::ConnackPacket>(**packet);
    }
    pollfd pfd{transport.fd(), static_cast<short>(POLLIN | (sent < out.size() ? POLLOUT : 0)), 0};
    ::poll(&pfd, 1, 50);
  }
  ADD_FAILURE() << "no CONNACK";
  return {false, 0xFF};
}

class TlsTransportTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.start()) << broker_.error(); }

  // Asserts set-up failed with `code` and a message naming the peer and containing `reason`,
  // and that the broker never saw an MQTT CONNECT (nothing went out in clear text).
  void expect_refused(const TlsOptions& options, ErrorCode code, const std::string& reason) {
    auto transport = TlsTransport::create(options);
    ASSERT_TRUE(transport.has_value()) << transport.error().message();
    auto up = connect(**transport);
    ASSERT_FALSE(up.has_value()) << "connection was not refused";
    EXPECT_EQ(up.error().code(), code) << up.error().message();
    const std::string peer = "localhost:" + std::to_string(options.port);
    EXPECT_NE(up.error().message().find(peer), std::string::npos) << up.error().message();
    EXPECT_NE(up.error().message().find(reason), std::string::npos) << up.error().message();
    std::vector<uint8_t> bytes = {0xC0, 0x00};
    auto written = (*transport)->write(bytes);
    ASSERT_FALSE(written.has_value());
    EXPECT_EQ(written.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(broker_.log().find("New client connected"), std::string::npos) << broker_.log();
  }

  MosquittoBroker broker_;
};

TEST_F(TlsTransportTest, ConnectsToTheBrokerAndCarriesMqtt) {
  auto transport = TlsTransport::create(options_for(broker_, Listener::kTls));
  ASSERT_TRUE(transport.has_value()) << transport.error().message();
  auto up = connect(**transport);
  ASSERT_TRUE(up.has_value()) << up.error().message();
  ASSERT_TRUE(*up);
  EXPECT_EQ(exchange_connect(**transport, "tls-ok").return_code, 0);
  (*transport)->close();
  EXPECT_EQ((*transport)->fd(), -1);
}

TEST_F(TlsTransportTest, ReconnectsOnTheSameTransportAfterClose) {
  auto transport = TlsTransport::create(options_for(broker_, Listener::kTls));
  ASSERT_TRUE(transport.has_value());
  for (int round = 0; round < 3; ++round) {
    auto up = connect(**transport);
    ASSERT_TRUE(up.has_value() && *up) << (up ? "timeout" : up.error().message());
    EXPECT_EQ(exchange_connect(**transport, "again").return_code, 0);
    (*transport)->close();
  }
}

TEST_F(TlsTransportTest, RefusesAServerCertificateFromAnotherCa) {
  expect_refused(options_for(broker_, Listener::kTls, "other_ca.crt"),
                 ErrorCode::kFailedPrecondition, "unknown CA");
}

TEST_F(TlsTransportTest, RefusesAServerCertificateForAnotherHostName) {
  expect_refused(options_for(broker_, Listener::kWrongName), ErrorCode::kFailedPrecondition,
                 "host name mismatch");
}

TEST_F(TlsTransportTest, RefusesAnExpiredServerCertificate) {
  expect_refused(options_for(broker_, Listener::kExpired), ErrorCode::kFailedPrecondition,
                 "expired certificate");
}

TEST_F(TlsTransportTest, IsRefusedWithoutAClientCertificateWhereOneIsRequired) {
  auto options = options_for(broker_, Listener::kMutualTls);
  auto transport = TlsTransport::create(options);
  ASSERT_TRUE(transport.has_value());
  auto up = connect(**transport);
  ASSERT_FALSE(up.has_value());
  // The server's fatal alert and its reset of the connection race; both name the likely cause.
  EXPECT_TRUE(up.error().code() == ErrorCode::kFailedPrecondition ||
              up.error().code() == ErrorCode::kUnavailable);
  EXPECT_NE(up.error().message().find("require a client certificate, and none is configured"),
            std::string::npos)
      << up.error().message();
  EXPECT_EQ(broker_.log().find("New client connected"), std::string::npos);
}

TEST_F(TlsTransportTest, ConnectsWithAClientCertificateWhereOneIsRequired) {
  auto options = options_for(broker_, Listener::kMutualTls);
  options.cert_file = broker_.certs() / "client.crt";
  options.key_file = broker_.certs() / "client.key";
  auto transport = TlsTransport::create(options);
  ASSERT_TRUE(transport.has_value()) << transport.error().message();
  auto up = connect(**transport);
  ASSERT_TRUE(up.has_value() && *up) << (up ? "timeout" : up.error().message());
  EXPECT_EQ(exchange_connect(**transport, "mtls-ok").return_code, 0);
}

TEST(TlsTransport, RefusesMissingOrIncompleteCredentials) {
  TlsOptions options;
  options.ca_file = mqtt::testing::test_certificates() / "ca.crt";
  auto no_host = TlsTransport::create(options);
  ASSERT_FALSE(no_host.has_value());
  EXPECT_NE(no_host.error().message().find("host name is required"), std::string::npos);
  options.ca_file.clear();
  options.host = "localhost";
  auto no_ca = TlsTransport::create(options);
  ASSERT_FALSE(no_ca.has_value());
  EXPECT_EQ(no_ca.error().code(), ErrorCode::kFailedPrecondition);
  options.ca_file = "/nonexistent/ca.crt";
  auto missing = TlsTransport::create(options);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("/nonexistent/ca.crt"), std::string::npos);
  options.ca_file = mqtt::testing::test_certificates() / "ca.crt";
  options.cert_file = mqtt::testing::test_certificates() / "client.crt";
  auto no_key = TlsTransport::create(options);
  ASSERT_FALSE(no_key.has_value());
  EXPECT_NE(no_key.error().message().find("key_file"), std::string::npos);
}

TEST(TlsTransport, SendsOnlyATlsHandshakeToAPeerThatNeverAnswers) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  TlsOptions options;
  options.host = "localhost";
  options.port = ntohs(address.sin_port);
  options.ca_file = mqtt::testing::test_certificates() / "ca.crt";
  auto transport = TlsTransport::create(options);
  ASSERT_TRUE(transport.has_value());
  uint8_t probe[2] = {0xC0, 0x00};
  EXPECT_EQ((*transport)->write(probe).error().code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE((*transport)->open().has_value());
  std::string received;
  const int peer = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(peer, 0);
  for (int i = 0; i < 20 && received.size() < 5; ++i) {
    auto up = (*transport)->advance();
    ASSERT_TRUE(up.has_value()) << up.error().message();
    EXPECT_FALSE(*up);
    pollfd pfd{peer, POLLIN, 0};
    if (::poll(&pfd, 1, 50) == 1) {
      char buffer[4096];
      const ssize_t n = ::recv(peer, buffer, sizeof(buffer), 0);
      ASSERT_GT(n, 0);
      received.append(buffer, static_cast<size_t>(n));
    }
  }
  ASSERT_GE(received.size(), 5u);
  EXPECT_EQ(static_cast<uint8_t>(received[0]), 0x16) << "not a TLS handshake record";
  EXPECT_EQ(received.find("MQTT"), std::string::npos);
  EXPECT_EQ((*transport)->read(std::span(probe)).error().code(), ErrorCode::kFailedPrecondition);
  (*transport)->close();
  ::close(peer);
  ::close(listener);
}

}  // namespace
}  // namespace autograph::tls
