// bench/publish: batches per second and MB/s published at QoS 1 over TLS to a local mosquitto
// (started by the benchmark on a free 127.0.0.1 port, with throwaway certificates), for 1 KB and
// 16 KB batches. Each iteration publishes 100 batches and waits for every PUBACK, so the numbers
// include the broker's acknowledgement, not just the socket write.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "mqtt/mosquitto_broker.hpp"
#include "mqtt/session.hpp"
#include "tls/tls_transport.hpp"

namespace {

using autograph::mqtt::Session;
using autograph::mqtt::SessionState;
using autograph::mqtt::testing::Listener;
using autograph::mqtt::testing::MosquittoBroker;

constexpr int kBatchesPerIteration = 100;

autograph::mqtt::SteadyClock& clock_instance() {
  static autograph::mqtt::SteadyClock clock;
  return clock;
}

MosquittoBroker& broker() {
  static MosquittoBroker* instance = [] {
    auto* b = new MosquittoBroker();
    if (!b->start()) {
      std::fprintf(stderr, "mosquitto: %s\n", b->error().c_str());
      std::exit(1);
    }
    return b;
  }();
  return *instance;
}

std::unique_ptr<Session> connected_session(size_t window) {
  autograph::tls::TlsOptions tls;
  tls.host = "localhost";
  tls.port = broker().port(Listener::kTls);
  tls.ca_file = broker().certs() / "ca.crt";
  auto transport = autograph::tls::TlsTransport::create(tls);
  if (!transport) {
    std::fprintf(stderr, "%s\n", transport.error().message().c_str());
    std::exit(1);
  }
  autograph::mqtt::SessionOptions options;
  options.client_id = "bench-publisher";
  options.clean_session = true;
  options.max_in_flight = window;
  auto session = std::make_unique<Session>(options, std::move(*transport), clock_instance(),
                                           autograph::mqtt::SessionCallbacks{});
  session->start();
  for (int i = 0; i < 1000 && session->state() != SessionState::kConnected; ++i) {
    session->run_once(std::chrono::milliseconds(10));
  }
  if (session->state() != SessionState::kConnected) {
    std::fprintf(stderr, "bench: could not connect to mosquitto\n");
    std::exit(1);
  }
  return session;
}

void BM_PublishQos1OverTls(benchmark::State& state) {
  const auto payload_bytes = static_cast<size_t>(state.range(0));
  const auto window = static_cast<size_t>(state.range(1));
  auto session = connected_session(window);
  const std::vector<uint8_t> payload(payload_bytes, 0x5A);
  for (auto _ : state) {
    int queued = 0;
    while (queued < kBatchesPerIteration || session->in_flight() > 0) {
      while (queued < kBatchesPerIteration && session->can_publish_qos1()) {
        if (!session->publish("bench/batches", payload, 1)) {
          state.SkipWithError("publish failed");
          return;
        }
        ++queued;
      }
      session->run_once(std::chrono::milliseconds(5));
      if (session->state() != SessionState::kConnected) {
        state.SkipWithError("connection lost");
        return;
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatchesPerIteration);
  state.SetBytesProcessed(state.iterations() * kBatchesPerIteration *
                          static_cast<int64_t>(payload_bytes));
  session->disconnect();
  for (int i = 0; i < 100 && session->state() != SessionState::kStopped; ++i) {
    session->run_once(std::chrono::milliseconds(10));
  }
}

BENCHMARK(BM_PublishQos1OverTls)
    ->ArgNames({"payload", "window"})
    ->Args({1024, 32})
    ->Args({16384, 32})
    ->Args({1024, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  broker().stop();
  return 0;
}
