// Signing costs on the device: signatures/s, recoveries (verifications)/s, keccak256 MB/s, and a
// whole batch of about 1 KB of data serialised, hashed, signed and wrapped in its envelope.
//   cmake --preset release && cmake --build build/release -j2 --target sign &&
//   build/release/bench/sign
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "autograph/signing/envelope_verifier.hpp"
#include "autograph/signing/signature.hpp"
#include "autograph/signing/stream_signer.hpp"

namespace {

using namespace autograph::signing;

SecretKey bench_key() {
  auto key = SecretKey::generate();
  if (!key) {
    std::abort();
  }
  return std::move(*key);
}

void BM_SignDigest(benchmark::State& state) {
  const SecretKey key = bench_key();
  Hash256 digest = keccak256({});
  for (auto _ : state) {
    auto signature = sign_digest(key, digest);
    benchmark::DoNotOptimize(signature);
    digest[0] = static_cast<uint8_t>(digest[0] + 1);
  }
  state.counters["signatures/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SignDigest);

void BM_RecoverAddress(benchmark::State& state) {
  const SecretKey key = bench_key();
  const Hash256 digest = keccak256({});
  const Signature signature = sign_digest(key, digest).value();
  for (auto _ : state) {
    auto address = recover_address(digest, signature);
    benchmark::DoNotOptimize(address);
  }
  state.counters["recoveries/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RecoverAddress);

void BM_Keccak256(benchmark::State& state) {
  const std::vector<uint8_t> input(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) {
    benchmark::DoNotOptimize(keccak256(input));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Keccak256)->Arg(32)->Arg(1024)->Arg(1 << 20);

// About 1 KB of data: three signals, 16 samples each, like a 10 s batch at 1.6 Hz.
BatchBody kilobyte_body() {
  BatchBody body;
  body.clock = ClockState::kSynced;
  body.from_ms = 1764150000123;
  body.to_ms = body.from_ms + 10000;
  for (const char* path : {"Vehicle.Speed", "Vehicle.Powertrain.TractionBattery.StateOfCharge",
                           "Vehicle.Chassis.SteeringWheel.Angle"}) {
    SignalSeries series{path, {}};
    for (uint64_t i = 0; i < 16; ++i) {
      series.samples.push_back({i * 625, 52.1 + static_cast<double>(i) * 0.37});
    }
    body.signals.push_back(std::move(series));
  }
  return body;
}

void BM_SignBatchEnvelope(benchmark::State& state) {
  const SecretKey key = bench_key();
  StreamSigner signer(key, "insurer", "0123456789abcdef0123456789abcdef");
  const BatchBody body = kilobyte_body();
  size_t envelope_bytes = 0;
  for (auto _ : state) {
    auto batch = signer.sign(body, std::chrono::system_clock::now());
    envelope_bytes = batch->envelope.size();
    benchmark::DoNotOptimize(batch);
  }
  const BatchPosition position{"insurer", 0, {}, "0123456789abcdef0123456789abcdef"};
  state.counters["data_bytes"] = static_cast<double>(serialize_batch_data(position, body).size());
  state.counters["envelope_bytes"] = static_cast<double>(envelope_bytes);
  state.counters["batches/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SignBatchEnvelope);

void BM_VerifyBatchEnvelope(benchmark::State& state) {
  const SecretKey key = bench_key();
  StreamSigner signer(key, "insurer", "0123456789abcdef0123456789abcdef");
  const std::string envelope =
      signer.sign(kilobyte_body(), std::chrono::system_clock::now()).value().envelope;
  for (auto _ : state) {
    auto verified = verify_envelope(envelope, std::nullopt);
    benchmark::DoNotOptimize(verified);
  }
}
BENCHMARK(BM_VerifyBatchEnvelope);

}  // namespace

BENCHMARK_MAIN();
