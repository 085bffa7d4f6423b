// PolicyGate::offer per sample: the cost the gate adds to every decoded signal value.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "policy/policy_gate.hpp"
#include "policy/policy_parser.hpp"

namespace {

using autograph::policy::PolicyGate;

PolicyGate make_gate(const std::vector<std::string>& signals) {
  // The shipped example's two grantees: the owner (everything) and the insurer (three signals,
  // coarse location with a blackout).
  const std::string text = R"({"device": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
    "version": 1, "issued": "2026-01-01T00:00:00Z", "expires": "2027-01-01T00:00:00Z",
    "grantees": [
      {"name": "owner", "endpoint": {"host": "h", "port": 1, "ca": "/ca.pem", "topic": "t"},
       "signals": [{"path": "Vehicle.Speed", "every_ms": 100}, {"path": "Vehicle.*", "every_ms": 1000}],
       "batch": {"max_interval_s": 10, "max_samples": 5000}},
      {"name": "insurer", "endpoint": {"host": "h", "port": 1, "ca": "/ca.pem", "topic": "t"},
       "signals": [{"path": "Vehicle.Speed", "every_ms": 10000},
                   {"path": "Vehicle.TraveledDistance", "on_change": true, "deadband": 1},
                   {"path": "Vehicle.CurrentLocation.*", "every_ms": 60000, "precision_m": 5000,
                    "blackout": [{"lat": 48.1, "lon": 11.5, "radius_m": 500}]}],
       "batch": {"max_interval_s": 300, "max_samples": 1000}}]})";
  auto policy = autograph::policy::parse_policy(text, "bench");
  auto gate = PolicyGate::compile(*policy, signals);
  return std::move(*gate);
}

void BM_GateOfferBothGrantees(benchmark::State& state) {
  std::vector<std::string> signals = {"Vehicle.Speed", "Vehicle.TraveledDistance",
                                      "Vehicle.CurrentLocation.Latitude",
                                      "Vehicle.CurrentLocation.Longitude"};
  for (int i = 0; i < 60; ++i) {
    signals.push_back("Vehicle.Body.Signal" + std::to_string(i));
  }
  PolicyGate gate = make_gate(signals);
  uint64_t t_ns = 0;
  uint32_t signal = 0;
  for (auto _ : state) {
    const double value = static_cast<double>(t_ns % 1000) * 0.01 + 40.0;
    benchmark::DoNotOptimize(gate.offer(0, signal, t_ns, value));
    benchmark::DoNotOptimize(gate.offer(1, signal, t_ns, value));
    t_ns += 1'000'000;  // one sample per millisecond
    signal = signal + 1 == signals.size() ? 0 : signal + 1;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_GateOfferBothGrantees);

}  // namespace

BENCHMARK_MAIN();
