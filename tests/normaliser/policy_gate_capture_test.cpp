// The policy gate on real data: captures replayed through decoder + normaliser (vehicles/
// profiles) + PolicyGate. A grantee allowed two VSS signals at 1 Hz gets only those, never two
// values of one signal closer than a second; an on_change grantee with a deadband gets exactly
// the values that moved more than the deadband from the last one it got.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "autograph/can/decoder.hpp"
#include "normaliser/vehicle_profile_testing.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "policy/policy_gate.hpp"
#include "policy/policy_parser.hpp"

namespace autograph::normaliser {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

struct Passed {
  uint32_t signal;
  uint64_t t_ns;
  double value;
};

// Two grantees: "rate" gets `a` and `b` every 1000 ms; "change" gets `c` on change > deadband.
policy::Policy two_grantees(const std::string& a, const std::string& b, const std::string& c,
                            double deadband) {
  const std::string endpoint =
      R"("endpoint": {"host": "h", "port": 1, "ca": "/ca.pem", "topic": "t"})";
  const std::string batch = R"("batch": {"max_interval_s": 1, "max_samples": 1})";
  const std::string text =
      R"({"device": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "version": 1,
          "issued": "2026-01-01T00:00:00Z", "expires": "2027-01-01T00:00:00Z", "grantees": [
        {"name": "rate", )" +
      endpoint + R"(, "signals": [{"path": ")" + a + R"(", "every_ms": 1000}, {"path": ")" + b +
      R"(", "every_ms": 1000}], )" + batch + R"(},
        {"name": "change", )" +
      endpoint + R"(, "signals": [{"path": ")" + c + R"(", "on_change": true, "deadband": )" +
      std::to_string(deadband) + "}], " + batch + "}]}";
  auto policy = policy::parse_policy(text, "test policy");
  EXPECT_TRUE(policy.has_value()) << policy.error().message();
  return *policy;
}

struct Replay {
  std::vector<std::vector<Passed>> passed;  // by grantee
  std::vector<VssSample> normalised;        // every VSS sample offered, in order
  size_t decoder_signals = 0;
};

// Replays the capture through a decoder narrowed to what the gate needs.
Replay replay(const VehicleProfile& profile, const policy::Policy& policy) {
  Replay result;
  const std::vector<can::Database> buses = load_profile_databases(profile);
  auto mapping = VssMapping::load(profile.mapping, buses, profile_bus_names(profile));
  EXPECT_TRUE(mapping.has_value()) << mapping.error().message();
  auto gate = policy::PolicyGate::compile(policy, mapping->vss_paths());
  EXPECT_TRUE(gate.has_value()) << gate.error().message();
  can::SignalSelection selection;
  const auto needed = gate->needed_signals();
  selection.keys = mapping->needed_signals(std::vector<uint32_t>(needed.begin(), needed.end()));
  EXPECT_FALSE(selection.keys.empty());
  auto decoder = can::Decoder::compile(buses, selection);
  EXPECT_TRUE(decoder.has_value()) << decoder.error().message();
  result.decoder_signals = decoder->signals().size();
  VssNormaliser normaliser = VssNormaliser::compile(*mapping, decoder->signals());
  std::vector<can::Sample> samples(decoder->max_samples_per_frame());
  std::vector<VssSample> vss(samples.size());
  result.passed.resize(gate->grantee_count());
  for (const can::CanFrame& frame : load_profile_frames(profile)) {
    const size_t n = decoder->decode(frame, samples);
    const size_t m = normaliser.normalise(std::span(samples.data(), n), vss);
    for (size_t i = 0; i < m; ++i) {
      result.normalised.push_back(vss[i]);
      for (size_t g = 0; g < gate->grantee_count(); ++g) {
        if (auto value = gate->offer(g, vss[i].signal, vss[i].t_ns, vss[i].value)) {
          result.passed[g].push_back({vss[i].signal, vss[i].t_ns, *value});
        }
      }
    }
  }
  EXPECT_EQ(normaliser.unmapped_signal(), 0u) << "the narrowed decoder decodes only mapped signals";
  return result;
}

uint32_t id_of(const VehicleProfile& profile, const std::string& path) {
  const std::vector<can::Database> buses = load_profile_databases(profile);
  auto mapping = VssMapping::load(profile.mapping, buses, profile_bus_names(profile));
  const auto& paths = mapping->vss_paths();
  const auto it = std::find(paths.begin(), paths.end(), path);
  EXPECT_NE(it, paths.end()) << path;
  return static_cast<uint32_t>(it - paths.begin());
}

void check_rates_and_changes(const VehicleProfile& profile, const std::string& a,
                             const std::string& b, const std::string& c, double deadband) {
  if (!profile_available(profile)) {
    GTEST_SKIP() << profile.capture << " is not here (../shared/data absent)";
  }
  const Replay r = replay(profile, two_grantees(a, b, c, deadband));
  const uint32_t id_a = id_of(profile, a), id_b = id_of(profile, b), id_c = id_of(profile, c);

  // Rate grantee: only a and b, each at most once per second, about once per second.
  std::map<uint32_t, std::vector<uint64_t>> times;
  for (const Passed& p : r.passed[0]) {
    ASSERT_TRUE(p.signal == id_a || p.signal == id_b) << "signal " << p.signal << " passed";
    times[p.signal].push_back(p.t_ns);
  }
  for (uint32_t id : {id_a, id_b}) {
    // The span over which the capture has this signal: these come at 10 Hz or faster, so a
    // value follows each 1 s window closely and about one per second must pass.
    uint64_t first = UINT64_MAX, last_t = 0;
    for (const VssSample& s : r.normalised) {
      if (s.signal == id) {
        first = std::min(first, s.t_ns);
        last_t = std::max(last_t, s.t_ns);
      }
    }
    ASSERT_LT(first, last_t) << "signal " << id << " is not in the capture";
    const double span_s = static_cast<double>(last_t - first) / 1e9;
    const auto& t = times[id];
    EXPECT_GE(static_cast<double>(t.size()), std::floor(span_s / 1.2)) << "signal " << id;
    EXPECT_LE(static_cast<double>(t.size()), std::floor(span_s) + 1) << "signal " << id;
    for (size_t i = 1; i < t.size(); ++i) {
      EXPECT_GE(t[i] - t[i - 1], kSecond) << "signal " << id << " values " << i - 1 << ", " << i;
    }
  }

  // Change grantee: exactly the values that moved more than the deadband, computed here.
  std::vector<double> expected;
  std::optional<double> last;
  size_t offered = 0;
  for (const VssSample& s : r.normalised) {
    if (s.signal != id_c) {
      continue;
    }
    ++offered;
    if (!last || std::abs(s.value - *last) > deadband) {
      expected.push_back(s.value);
      last = s.value;
    }
  }
  std::vector<double> got;
  for (const Passed& p : r.passed[1]) {
    ASSERT_EQ(p.signal, id_c);
    got.push_back(p.value);
  }
  EXPECT_EQ(got, expected);
  EXPECT_GT(got.size(), 1u);
  EXPECT_LT(got.size(), offered) << "the deadband withheld nothing";
  for (size_t i = 1; i < got.size(); ++i) {
    EXPECT_GT(std::abs(got[i] - got[i - 1]), deadband);
  }
}

TEST(PolicyGateOnCaptures, Rav4GranteesGetOnlyTheirSignalsAtTheirRates) {
  check_rates_and_changes(rav4_profile(), "Vehicle.Speed", "Vehicle.Chassis.SteeringWheel.Angle",
                          "Vehicle.Speed", 1.0);
}

TEST(PolicyGateOnCaptures, KonaGranteesGetOnlyTheirSignalsAtTheirRates) {
  check_rates_and_changes(kona_profile(), "Vehicle.Powertrain.TractionBattery.CurrentVoltage",
                          "Vehicle.LowVoltageBattery.CurrentVoltage",
                          "Vehicle.LowVoltageBattery.CurrentVoltage", 0.3);
}

TEST(PolicyGateOnCaptures, FordGranteesGetOnlyTheirSignalsAtTheirRates) {
  check_rates_and_changes(ford_profile(), "Vehicle.Speed",
                          "Vehicle.Powertrain.CombustionEngine.Speed",
                          "Vehicle.Powertrain.CombustionEngine.Speed", 20.0);
}

}  // namespace
}  // namespace autograph::normaliser
