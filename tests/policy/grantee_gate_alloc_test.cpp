// Proves the gate's per-sample path allocates nothing: every operator new in this test binary is
// counted, and offer() over many samples of every kind of rule must not move the count.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.hpp"

#include "policy/policy_gate.hpp"
#include "policy/policy_parser.hpp"

namespace autograph::policy {
namespace {

TEST(GranteeGate, OffersSamplesWithoutAllocating) {
  const std::string text = R"({"device": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
    "version": 1, "issued": "2026-01-01T00:00:00Z", "expires": "2027-01-01T00:00:00Z",
    "grantees": [{"name": "g", "endpoint": {"host": "h", "port": 1, "ca": "/ca.pem",
      "topic": "t"}, "signals": [
        {"path": "Vehicle.Speed", "every_ms": 100},
        {"path": "Vehicle.TraveledDistance", "on_change": true, "deadband": 0.5},
        {"path": "Vehicle.CurrentLocation.*", "every_ms": 1000, "precision_m": 500,
         "blackout": [{"lat": 48.0, "lon": 11.0, "radius_m": 300}]}],
      "batch": {"max_interval_s": 1, "max_samples": 1}}]})";
  const auto policy = parse_policy(text, "test");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  const std::vector<std::string> signals = {"Vehicle.Speed", "Vehicle.TraveledDistance",
                                            "Vehicle.CurrentLocation.Latitude",
                                            "Vehicle.CurrentLocation.Longitude", "Vehicle.Other"};
  auto gate = PolicyGate::compile(*policy, signals);
  ASSERT_TRUE(gate.has_value());

  uint64_t passed = 0;
  const uint64_t before = ::autograph::testing::allocation_count();
  for (uint64_t i = 0; i < 100'000; ++i) {
    const uint32_t signal = static_cast<uint32_t>(i % signals.size());
    const double value = signal == 2   ? 48.0 + static_cast<double>(i % 100) * 1e-4
                         : signal == 3 ? 11.0 + static_cast<double>(i % 37) * 1e-4
                                       : static_cast<double>(i % 1000) * 0.1;
    passed += gate->offer(0, signal, i * 1'000'000, value).has_value() ? 1 : 0;
  }
  const uint64_t after = ::autograph::testing::allocation_count();
  EXPECT_EQ(after - before, 0u);
  EXPECT_GT(passed, 0u);  // the loop exercised passing paths, not only withholding
}

}  // namespace
}  // namespace autograph::policy
