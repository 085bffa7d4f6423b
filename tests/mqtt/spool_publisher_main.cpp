// spool_publisher: publishes every pending record of a spool to a broker over TLS at QoS 1 and
// exits 0 once the spool is drained, 1 on an error. Used by the kill -9 test: killed mid-way and
// started again on the same spool, every record must still arrive at least once.
//
// Usage: spool_publisher <spool dir> <port> <CA file> <topic>   (host: localhost)
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "mqtt/publisher.hpp"
#include "mqtt/session.hpp"
#include "spool/spool.hpp"
#include "tls/tls_transport.hpp"

namespace {

int run(const char* dir, const char* port, const char* ca, const char* topic) {
  auto spool = autograph::spool::Spool::open({.dir = dir});
  if (!spool) {
    std::fprintf(stderr, "%s\n", spool.error().message().c_str());
    return 1;
  }
  autograph::tls::TlsOptions tls;
  tls.host = "localhost";
  tls.port = static_cast<uint16_t>(std::atoi(port));
  tls.ca_file = ca;
  auto transport = autograph::tls::TlsTransport::create(tls);
  if (!transport) {
    std::fprintf(stderr, "%s\n", transport.error().message().c_str());
    return 1;
  }
  autograph::mqtt::SessionOptions options;
  options.client_id = "spool-publisher";
  options.backoff = {std::chrono::milliseconds(50), std::chrono::milliseconds(500)};
  autograph::mqtt::SteadyClock clock;
  autograph::mqtt::Publisher* publisher = nullptr;
  autograph::mqtt::SessionCallbacks callbacks;
  callbacks.on_puback = [&publisher](uint16_t id) { publisher->on_puback(id); };
  autograph::mqtt::Session session(options, std::move(*transport), clock, callbacks);
  autograph::mqtt::Publisher drain(*spool, session, topic);
  publisher = &drain;
  session.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    session.run_once(std::chrono::milliseconds(10));
    if (auto pumped = drain.pump(); !pumped) {
      std::fprintf(stderr, "%s\n", pumped.error().message().c_str());
      return 1;
    }
    if (spool->stats().pending_records == 0 && drain.in_flight() == 0) {
      session.disconnect();
      for (int i = 0; i < 100 && session.state() != autograph::mqtt::SessionState::kStopped; ++i) {
        session.run_once(std::chrono::milliseconds(10));
      }
      return 0;
    }
  }
  std::fprintf(stderr, "spool_publisher: not drained within 120 s\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: spool_publisher <spool dir> <port> <CA file> <topic>\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  return run(argv[1], argv[2], argv[3], argv[4]);
}
