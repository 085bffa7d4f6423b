#include "policy/policy_gate.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policy/geo.hpp"
#include "policy/policy_parser.hpp"

namespace autograph::policy {
namespace {

constexpr uint64_t kMs = 1'000'000;

const std::vector<std::string> kSignals = {
    "Vehicle.Speed",                                             // 0
    "Vehicle.TraveledDistance",                                  // 1
    std::string(kLatitudePath),                                  // 2
    std::string(kLongitudePath),                                 // 3
    "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current",  // 4
    "Vehicle.Cabin.Door.Row1.DriverSide.IsOpen",                 // 5
};
constexpr uint32_t kSpeed = 0, kDistance = 1, kLat = 2, kLon = 3, kSoc = 4, kDoor = 5;

// A policy with one grantee whose signal rules are `signals_json`.
Policy policy_with(const std::string& signals_json) {
  const std::string text = R"({"device": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
    "version": 1, "issued": "2026-01-01T00:00:00Z", "expires": "2027-01-01T00:00:00Z",
    "grantees": [{"name": "g", "endpoint": {"host": "h", "port": 1, "ca": "/ca.pem",
      "topic": "t"}, "signals": )" +
                           signals_json +
                           R"(, "batch": {"max_interval_s": 1, "max_samples": 1}}]})";
  auto policy = parse_policy(text, "test");
  EXPECT_TRUE(policy.has_value()) << policy.error().message();
  return *policy;
}

PolicyGate gate_for(const std::string& signals_json) {
  auto gate = PolicyGate::compile(policy_with(signals_json), kSignals);
  EXPECT_TRUE(gate.has_value()) << gate.error().message();
  return std::move(*gate);
}

TEST(PolicyGate, WithholdsSignalsNoRuleMatches) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 1}])");
  EXPECT_TRUE(gate.offer(0, kSpeed, 0, 1.0).has_value());
  EXPECT_FALSE(gate.offer(0, kDistance, 0, 1.0).has_value());
  EXPECT_FALSE(gate.offer(0, kDoor, 0, 1.0).has_value());
  EXPECT_TRUE(gate.grantee(0).receives(kSpeed));
  EXPECT_FALSE(gate.grantee(0).receives(kSoc));
}

TEST(PolicyGate, EveryMsPassesTheFirstValueOfEachWindow) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 1000}])");
  EXPECT_EQ(gate.offer(0, kSpeed, 5000 * kMs, 1.0), 1.0);  // opens a window
  EXPECT_FALSE(gate.offer(0, kSpeed, 5001 * kMs, 2.0).has_value());
  EXPECT_FALSE(gate.offer(0, kSpeed, 5999 * kMs + 999'999, 3.0).has_value());  // 1 ns before end
  EXPECT_EQ(gate.offer(0, kSpeed, 6000 * kMs, 4.0), 4.0);                      // exactly at the end
  EXPECT_FALSE(gate.offer(0, kSpeed, 6500 * kMs, 5.0).has_value());
  EXPECT_EQ(gate.offer(0, kSpeed, 9000 * kMs, 6.0), 6.0);            // after a gap
  EXPECT_FALSE(gate.offer(0, kSpeed, 9999 * kMs, 7.0).has_value());  // window from 9000
}

TEST(PolicyGate, EveryMsRestartsItsWindowWhenTheClockStepsBack) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 1000}])");
  EXPECT_TRUE(gate.offer(0, kSpeed, 60'000 * kMs, 1.0).has_value());
  EXPECT_TRUE(gate.offer(0, kSpeed, 100 * kMs, 2.0).has_value()) << "a minute back: a clock step";
  EXPECT_FALSE(gate.offer(0, kSpeed, 600 * kMs, 3.0).has_value());
}

TEST(PolicyGate, EveryMsWithholdsAValueSlightlyOlderThanTheLastPassed) {
  // One signal mapped on two buses: the reactor reads a batch from each, so values arrive a
  // little out of time order. They must not pass twice per window.
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 100}])");
  EXPECT_TRUE(gate.offer(0, kSpeed, 1000 * kMs, 1.0).has_value());
  EXPECT_FALSE(gate.offer(0, kSpeed, 950 * kMs, 2.0).has_value()) << "50 ms older";
  EXPECT_FALSE(gate.offer(0, kSpeed, 900 * kMs + 1, 3.0).has_value()) << "1 ns under 100 ms older";
  EXPECT_FALSE(gate.offer(0, kSpeed, 900 * kMs, 4.0).has_value()) << "a whole interval older";
  EXPECT_TRUE(gate.offer(0, kSpeed, 1100 * kMs, 5.0).has_value()) << "the next window";
}

TEST(PolicyGate, EveryMsWithholdsTheSecondBusWhenItsBatchSpansSeveralWindows) {
  // Under load the reactor may read several windows' worth from one bus before the other: the
  // second bus's copies (same values, a few microseconds later) must all be withheld.
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 100}])");
  for (uint64_t ms = 1000; ms <= 1300; ms += 100) {
    EXPECT_TRUE(gate.offer(0, kSpeed, ms * kMs, 1.0).has_value()) << "first bus at " << ms;
  }
  for (uint64_t ms = 1000; ms <= 1300; ms += 100) {
    EXPECT_FALSE(gate.offer(0, kSpeed, ms * kMs + 50'000, 1.0).has_value())
        << "second bus at " << ms << " ms + 50 us";
  }
  EXPECT_TRUE(gate.offer(0, kSpeed, 1400 * kMs, 1.0).has_value());
}

TEST(PolicyGate, EveryMsNeverPassesTwoValuesCloserThanTheInterval) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 100}])");
  uint64_t last = 0;
  bool first = true;
  for (uint64_t t = 0; t < 10'000 * kMs; t += 7 * kMs + 123) {
    if (gate.offer(0, kSpeed, t, 1.0)) {
      EXPECT_TRUE(first || t - last >= 100 * kMs) << t;
      first = false;
      last = t;
    }
  }
}

TEST(PolicyGate, OnChangeOfATextSignalPassesEveryChangeOfTextWhateverTheDeadband) {
  // A text signal's value is the index of its text: 0 -> 1 is a new DTC list, not a small step.
  const std::vector<std::string> signals = {"Vehicle.Speed", "Vehicle.OBD.DTCList"};
  auto gate = PolicyGate::compile(
      policy_with(R"([{"path": "Vehicle.*", "on_change": true, "deadband": 100}])"), signals);
  ASSERT_TRUE(gate.has_value()) << gate.error().message();
  EXPECT_EQ(gate->offer(0, 1, 0, 0.0), 0.0);
  EXPECT_FALSE(gate->offer(0, 1, 1, 0.0).has_value());  // the same text again
  EXPECT_EQ(gate->offer(0, 1, 2, 1.0), 1.0);
  EXPECT_EQ(gate->offer(0, 1, 3, 0.0), 0.0);
  // A number keeps its deadband.
  EXPECT_EQ(gate->offer(0, 0, 0, 0.0), 0.0);
  EXPECT_FALSE(gate->offer(0, 0, 1, 1.0).has_value());
}

TEST(PolicyGate, OnChangeAlwaysPassesTheFirstValue) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "on_change": true, "deadband": 5}])");
  EXPECT_EQ(gate.offer(0, kSpeed, 0, 50.0), 50.0);
}

TEST(PolicyGate, OnChangeWithholdsChangesUpToTheDeadbandInclusive) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "on_change": true, "deadband": 0.5}])");
  EXPECT_TRUE(gate.offer(0, kSpeed, 0, 10.0).has_value());
  EXPECT_FALSE(gate.offer(0, kSpeed, 1, 10.5).has_value());  // exactly the deadband
  EXPECT_FALSE(gate.offer(0, kSpeed, 2, 9.5).has_value());
  EXPECT_EQ(gate.offer(0, kSpeed, 4, 10.5000001), 10.5000001);  // just over
  // Compared with the last value passed, not the last value offered: slow drift still shows.
  EXPECT_FALSE(gate.offer(0, kSpeed, 5, 10.9).has_value());
  EXPECT_EQ(gate.offer(0, kSpeed, 6, 11.1), 11.1);
}

TEST(PolicyGate, OnChangeWithoutDeadbandPassesEveryChange) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Cabin.*", "on_change": true}])");
  EXPECT_TRUE(gate.offer(0, kDoor, 0, 0.0).has_value());
  EXPECT_FALSE(gate.offer(0, kDoor, 1, 0.0).has_value());
  EXPECT_TRUE(gate.offer(0, kDoor, 2, 1.0).has_value());
  EXPECT_FALSE(gate.offer(0, kDoor, 3, 1.0).has_value());
}

TEST(PolicyGate, OnChangeTreatsNanAsAChange) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "on_change": true}])");
  EXPECT_TRUE(gate.offer(0, kSpeed, 0, 1.0).has_value());
  EXPECT_TRUE(gate.offer(0, kSpeed, 1, std::nan("")).has_value());
  EXPECT_FALSE(gate.offer(0, kSpeed, 2, std::nan("")).has_value());
  EXPECT_TRUE(gate.offer(0, kSpeed, 3, 1.0).has_value());
}

TEST(PolicyGate, FirstMatchingRuleWins) {
  PolicyGate gate = gate_for(
      R"([{"path": "Vehicle.Speed", "every_ms": 60000}, {"path": "Vehicle.*", "every_ms": 1}])");
  EXPECT_TRUE(gate.offer(0, kSpeed, 0, 1.0).has_value());
  EXPECT_FALSE(gate.offer(0, kSpeed, 10 * kMs, 1.0).has_value());
  EXPECT_TRUE(gate.offer(0, kDistance, 0, 1.0).has_value());
  EXPECT_TRUE(gate.offer(0, kDistance, 10 * kMs, 1.0).has_value());
}

TEST(PolicyGate, PassesLocationUnchangedWithoutPrivacyRules) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.CurrentLocation.*", "every_ms": 1}])");
  EXPECT_EQ(gate.offer(0, kLat, 0, 48.123456), 48.123456);
  EXPECT_EQ(gate.offer(0, kLon, 0, 11.654321), 11.654321);
}

TEST(PolicyGate, RoundsLocationToTheGrid) {
  PolicyGate gate =
      gate_for(R"([{"path": "Vehicle.CurrentLocation.*", "every_ms": 1, "precision_m": 1000}])");
  // Until both coordinates are known a position cannot be judged.
  EXPECT_FALSE(gate.offer(0, kLat, 0, 48.137).has_value());
  const auto lon = gate.offer(0, kLon, 10 * kMs, 11.575);
  const auto lat = gate.offer(0, kLat, 20 * kMs, 48.137);
  ASSERT_TRUE(lat.has_value());
  ASSERT_TRUE(lon.has_value());
  EXPECT_EQ(*lat, round_latitude(48.137, 1000));
  EXPECT_EQ(*lon, round_longitude(11.575, *lat, 1000));
  // The rounded position is within half a grid cell diagonal of the true one, and not equal.
  EXPECT_LE(haversine_m(*lat, *lon, 48.137, 11.575), 1000 * std::sqrt(0.5) + 1);
  EXPECT_NE(*lat, 48.137);
  // Nearby positions fall in the same cell.
  EXPECT_EQ(gate.offer(0, kLat, 30 * kMs, 48.1371), *lat);
}

TEST(PolicyGate, WithholdsBothCoordinatesInsideABlackout) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.CurrentLocation.*", "every_ms": 1,
      "blackout": [{"lat": 48.0, "lon": 11.0, "radius_m": 500}]}])");
  // Inside: 100 m north of the centre.
  const double inside = 48.0 + 100.0 / (kEarthRadiusM * M_PI / 180);
  EXPECT_FALSE(gate.offer(0, kLon, 0, 11.0).has_value());
  EXPECT_FALSE(gate.offer(0, kLat, 10 * kMs, inside).has_value());
  EXPECT_FALSE(gate.offer(0, kLon, 20 * kMs, 11.0).has_value());
  // Outside: 600 m north.
  const double outside = 48.0 + 600.0 / (kEarthRadiusM * M_PI / 180);
  EXPECT_EQ(gate.offer(0, kLat, 30 * kMs, outside), outside);
  EXPECT_EQ(gate.offer(0, kLon, 40 * kMs, 11.0), 11.0);
  // A longitude that moves the held position into the circle withholds it again.
  EXPECT_FALSE(gate.offer(0, kLat, 50 * kMs, 48.0).has_value());
}

TEST(PolicyGate, CountsThePointOnTheBlackoutEdgeAsInside) {
  const double lat = 48.004, lon = 11.003;
  const double edge = haversine_m(lat, lon, 48.0, 11.0);
  const std::string circle = R"([{"path": "Vehicle.CurrentLocation.*", "every_ms": 1,
      "blackout": [{"lat": 48.0, "lon": 11.0, "radius_m": )" +
                             fmt::format("{:.17g}", edge) + "}]}]";
  PolicyGate gate = gate_for(circle);
  EXPECT_FALSE(gate.offer(0, kLon, 0, lon).has_value());
  EXPECT_FALSE(gate.offer(0, kLat, 1, lat).has_value());
  // A hair further out is outside.
  EXPECT_TRUE(gate.offer(0, kLat, 2 * kMs, lat + 1e-6).has_value());
}

TEST(PolicyGate, AppliesPrivacyOfEitherCoordinateToBoth) {
  // Only the latitude rule names a blackout; the longitude must not leak the position.
  PolicyGate gate = gate_for(R"([
      {"path": "Vehicle.CurrentLocation.Latitude", "every_ms": 1,
       "blackout": [{"lat": 48.0, "lon": 11.0, "radius_m": 500}]},
      {"path": "Vehicle.CurrentLocation.Longitude", "every_ms": 1}])");
  EXPECT_FALSE(gate.offer(0, kLat, 0, 48.0).has_value());
  EXPECT_FALSE(gate.offer(0, kLon, 1, 11.0).has_value());
}

TEST(PolicyGate, OnChangeOnLocationSeesGridCells) {
  PolicyGate gate = gate_for(
      R"([{"path": "Vehicle.CurrentLocation.*", "on_change": true, "precision_m": 1000}])");
  EXPECT_FALSE(gate.offer(0, kLon, 0, 11.0).has_value());
  EXPECT_TRUE(gate.offer(0, kLat, 0, 48.0).has_value());
  EXPECT_FALSE(gate.offer(0, kLat, 0, 48.0001).has_value());  // same cell
  EXPECT_TRUE(gate.offer(0, kLat, 0, 48.02).has_value());     // about 2 km north
}

TEST(PolicyGate, NeedsWhatAnyGranteeMayGetPlusTheLocationPartner) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 1},
      {"path": "Vehicle.CurrentLocation.Latitude", "every_ms": 1, "precision_m": 100}])");
  const std::vector<uint32_t> needed(gate.needed_signals().begin(), gate.needed_signals().end());
  EXPECT_EQ(needed, (std::vector<uint32_t>{kSpeed, kLat, kLon}));
  EXPECT_TRUE(gate.is_needed(kLon));
  EXPECT_FALSE(gate.is_needed(kSoc));
  // The grantee judges the position with the longitude but never receives it.
  EXPECT_FALSE(gate.offer(0, kLon, 0, 11.0).has_value());
  EXPECT_TRUE(gate.offer(0, kLat, 0, 48.0).has_value());
}

TEST(PolicyGate, RejectsASignalTableWithARepeatedPath) {
  const std::vector<std::string> table = {"Vehicle.Speed", "Vehicle.Speed"};
  const auto gate =
      PolicyGate::compile(policy_with(R"([{"path": "Vehicle.Speed", "every_ms": 1}])"), table);
  ASSERT_FALSE(gate.has_value());
  EXPECT_EQ(gate.error().message(),
            "vehicle signal table: \"Vehicle.Speed\" appears twice (ids 0, 1)");
}

TEST(PolicyGateDeathTest, AbortsOnASignalIdOutsideTheTable) {
  PolicyGate gate = gate_for(R"([{"path": "Vehicle.Speed", "every_ms": 1}])");
  EXPECT_DEATH((void)gate.offer(0, static_cast<uint32_t>(kSignals.size()), 0, 1.0),
               "signal id outside");
  EXPECT_DEATH((void)gate.grantee(1), "grantee index out of range");
}

}  // namespace
}  // namespace autograph::policy
