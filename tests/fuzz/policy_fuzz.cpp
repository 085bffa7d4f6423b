// Fuzz target: the owner's policy document and the policy envelope, from arbitrary bytes.
// Whatever parses must also compile into a gate and survive samples; nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy_envelope.hpp"
#include "policy/policy_gate.hpp"
#include "policy/policy_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace autograph::policy;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_policy_envelope(text, "fuzz");
  const auto policy = parse_policy(text, "fuzz");
  if (!policy) {
    return 0;
  }
  static const std::vector<std::string> kSignals = {
      "Vehicle.Speed", "Vehicle.TraveledDistance", std::string(kLatitudePath),
      std::string(kLongitudePath), "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current"};
  auto gate = PolicyGate::compile(*policy, kSignals);
  if (!gate) {
    return 0;
  }
  uint64_t t_ns = 0;
  for (size_t grantee = 0; grantee < gate->grantee_count(); ++grantee) {
    for (uint32_t i = 0; i < 64; ++i) {
      const uint32_t signal = i % static_cast<uint32_t>(kSignals.size());
      const double value = signal == 2 ? -90.0 + i * 2.8 : signal == 3 ? -180.0 + i * 5.6 : i;
      (void)gate->offer(grantee, signal, t_ns, value);
      t_ns += 250'000'000;
    }
  }
  return 0;
}
