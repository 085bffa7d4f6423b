// Real captures through decoder + normaliser with the profiles in vehicles/: every VSS value is
// plausible for its signal, and equals the decoder's value transformed as the mapping file says,
// computed here from the JSON with an independent unit table.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "autograph/can/decoder.hpp"
#include "normaliser/vehicle_profile_testing.hpp"
#include "normaliser/vss_normaliser.hpp"

namespace autograph::normaliser {
namespace {

using nlohmann::json;

// Independent of unit_conversion.cpp: each factor written from its definition.
double expected_conversion(const std::string& from, const std::string& to, double v) {
  if (from == to) {
    return v;
  }
  if (from == "km" && to == "m") {
    return v * 1000.0;
  }
  if (from == "mi" && to == "km") {
    return v * 1.609344;
  }
  ADD_FAILURE() << "test has no conversion " << from << " -> " << to;
  return NAN;
}

// The VSS value the mapping entry `e` gives for decoded value `v`, or nullopt when dropped.
std::optional<double> expected_value(const json& e, double v) {
  if (e.contains("from_unit")) {
    return expected_conversion(e["from_unit"], e["unit"], v);
  }
  if (e.contains("scale")) {
    return v * e["scale"].get<double>() + e.value("offset", 0.0);
  }
  const std::string key = std::to_string(static_cast<int64_t>(v));
  if (std::trunc(v) != v || !e["map"].contains(key)) {
    return std::nullopt;
  }
  const json& mapped = e["map"][key];
  return mapped.is_boolean() ? (mapped.get<bool>() ? 1.0 : 0.0) : mapped.get<double>();
}

// Plausible ranges of the VSS signals the profiles use, in their VSS units.
std::pair<double, double> plausible_range(const std::string& path) {
  static const std::map<std::string, std::pair<double, double>> ranges = {
      {"Vehicle.Speed", {0, 250}},
      {"Vehicle.Chassis.SteeringWheel.Angle", {-720, 720}},
      {"Vehicle.Chassis.Accelerator.PedalPosition", {0, 100}},
      {"Vehicle.Powertrain.Transmission.SelectedGear", {-1, 127}},
      {"Vehicle.Powertrain.Transmission.CurrentGear", {-1, 10}},
      {"Vehicle.Powertrain.CombustionEngine.Speed", {0, 9000}},
      {"Vehicle.Powertrain.ElectricMotor.Speed", {-15000, 15000}},
      {"Vehicle.Powertrain.TractionBattery.CurrentVoltage", {0, 1000}},
      {"Vehicle.Powertrain.TractionBattery.CurrentCurrent", {-1000, 1000}},
      {"Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed", {0, 100}},
      {"Vehicle.LowVoltageBattery.CurrentVoltage", {0, 16}},
      {"Vehicle.Powertrain.Range", {0, 1000000}},
      {"Vehicle.Acceleration.Lateral", {-10.5, 10.5}},
      {"Vehicle.Acceleration.Longitudinal", {-10.5, 10.5}},
      {"Vehicle.AngularVelocity.Yaw", {-180, 180}},
      {"Vehicle.TraveledDistance", {0, 1000000}},
      {"Vehicle.Powertrain.CombustionEngine.EngineCoolant.Temperature", {-40, 150}},
      {"Vehicle.Powertrain.CombustionEngine.EngineOil.Temperature", {-40, 180}},
      {"Vehicle.Exterior.AirTemperature", {-50, 60}},
  };
  if (auto it = ranges.find(path); it != ranges.end()) {
    return it->second;
  }
  if (path.ends_with(".Speed")) {  // wheels
    return {0, 250};
  }
  if (path.ends_with("Tire.Pressure")) {
    return {100, 400};
  }
  if (path.ends_with(".IsOpen") || path.ends_with(".IsBelted") || path.ends_with(".IsEngaged")) {
    return {0, 1};
  }
  ADD_FAILURE() << "no plausible range for " << path;
  return {0, 0};
}

// Mapping entries by (bus name, message name, signal name), read from the JSON directly.
std::map<std::tuple<std::string, std::string, std::string>, json> entries_by_signal(
    const VehicleProfile& profile) {
  std::ifstream in(profile.mapping);
  const json document = json::parse(in);
  std::map<std::tuple<std::string, std::string, std::string>, json> entries;
  for (const json& e : document["signals"]) {
    entries[{e["bus"], e["message"], e["signal"]}] = e;
  }
  return entries;
}

// `may_be_absent`: mapped paths whose every value in this capture is one their map drops.
void check_capture(const VehicleProfile& profile, const std::set<std::string>& must_see,
                   const std::set<std::string>& may_be_absent = {}) {
  if (!profile_available(profile)) {
    GTEST_SKIP() << profile.capture << " is not here (../shared/data absent)";
  }
  const std::vector<can::Database> buses = load_profile_databases(profile);
  const std::vector<std::string> names = profile_bus_names(profile);
  auto mapping = VssMapping::load(profile.mapping, buses, names);
  ASSERT_TRUE(mapping.has_value()) << mapping.error().message();
  auto decoder = can::Decoder::compile(buses);
  ASSERT_TRUE(decoder.has_value()) << decoder.error().message();
  VssNormaliser normaliser = VssNormaliser::compile(*mapping, decoder->signals());
  const auto entries = entries_by_signal(profile);
  EXPECT_EQ(normaliser.mapped_signals(), entries.size());

  std::vector<can::Sample> samples(decoder->max_samples_per_frame());
  std::map<std::string, size_t> seen;
  uint64_t dropped_by_maps = 0;
  for (const can::CanFrame& frame : load_profile_frames(profile)) {
    const size_t n = decoder->decode(frame, samples);
    for (size_t i = 0; i < n; ++i) {
      const can::SignalInfo& info = decoder->signals()[samples[i].signal];
      auto entry = entries.find({names[info.bus], info.message_name, info.name});
      std::optional<VssSample> vss = normaliser.normalise(samples[i]);
      if (entry == entries.end()) {
        EXPECT_FALSE(vss.has_value()) << info.name;
        continue;
      }
      std::optional<double> expected = expected_value(entry->second, samples[i].as_double());
      if (!expected) {
        EXPECT_FALSE(vss.has_value()) << info.name << " = " << samples[i].as_double();
        ++dropped_by_maps;
        continue;
      }
      ASSERT_TRUE(vss.has_value()) << info.name;
      const std::string& path = normaliser.vss_paths()[vss->signal];
      EXPECT_EQ(path, entry->second["vss"].get<std::string>());
      EXPECT_EQ(vss->t_ns, frame.t_ns);
      EXPECT_DOUBLE_EQ(vss->value, *expected) << path << " from " << info.name;
      const auto [low, high] = plausible_range(path);
      EXPECT_GE(vss->value, low) << path << " from " << names[info.bus] << " " << info.name;
      EXPECT_LE(vss->value, high) << path << " from " << names[info.bus] << " " << info.name;
      ++seen[path];
    }
  }
  EXPECT_EQ(normaliser.unmapped_value(), dropped_by_maps);
  for (const std::string& path : may_be_absent) {
    EXPECT_EQ(seen[path], 0u) << path;
  }
  if (!may_be_absent.empty()) {
    EXPECT_GT(dropped_by_maps, 0u);
  }
  for (const std::string& path : must_see) {
    EXPECT_GT(seen[path], 0u) << path << " never appeared in " << profile.name;
  }
  for (const std::string& path : normaliser.vss_paths()) {
    if (may_be_absent.contains(path)) {
      continue;
    }
    EXPECT_GT(seen[path], 0u) << path << " is mapped but never appeared in " << profile.name;
  }
}

TEST(VssNormaliserCapture, KonaValuesArePlausibleAndFollowTheMapping) {
  check_capture(kona_profile(),
                {"Vehicle.Speed", "Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed",
                 "Vehicle.Powertrain.Transmission.SelectedGear"});
}

TEST(VssNormaliserCapture, Rav4ValuesArePlausibleAndFollowTheMapping) {
  check_capture(rav4_profile(), {"Vehicle.Speed", "Vehicle.Chassis.SteeringWheel.Angle",
                                 "Vehicle.TraveledDistance"});
}

TEST(VssNormaliserCapture, FordValuesArePlausibleAndFollowTheMapping) {
  // This manual car sends only "unknown lever position" (14) and "no gear selected" (15).
  check_capture(ford_profile(), {"Vehicle.Speed", "Vehicle.Powertrain.CombustionEngine.Speed"},
                {"Vehicle.Powertrain.Transmission.SelectedGear",
                 "Vehicle.Powertrain.Transmission.CurrentGear"});
}

TEST(VssNormaliserCapture, Rav4SpeedMatchesItsWheelsAndTheOdometerIsConvertedFromMiles) {
  const VehicleProfile profile = rav4_profile();
  const std::vector<can::Database> buses = load_profile_databases(profile);
  auto mapping = VssMapping::load(profile.mapping, buses, profile_bus_names(profile));
  ASSERT_TRUE(mapping.has_value()) << mapping.error().message();
  auto decoder = can::Decoder::compile(buses);
  ASSERT_TRUE(decoder.has_value());
  VssNormaliser normaliser = VssNormaliser::compile(*mapping, decoder->signals());
  std::vector<can::Sample> samples(decoder->max_samples_per_frame());
  std::vector<VssSample> out(samples.size());
  std::map<std::string, double> last;
  double max_gap = 0.0;
  for (const can::CanFrame& frame : load_profile_frames(profile)) {
    const size_t n = decoder->decode(frame, samples);
    const size_t m = normaliser.normalise(std::span(samples.data(), n), out);
    for (size_t i = 0; i < m; ++i) {
      last[normaliser.vss_paths()[out[i].signal]] = out[i].value;
    }
    if (last.contains("Vehicle.Speed") &&
        last.contains("Vehicle.Chassis.Axle.Row1.Wheel.Left.Speed")) {
      max_gap = std::max(max_gap, std::abs(last["Vehicle.Speed"] -
                                           last["Vehicle.Chassis.Axle.Row1.Wheel.Left.Speed"]));
    }
  }
  // Highway driving: the vehicle and its front wheel agree within a few km/h.
  EXPECT_GT(last["Vehicle.Speed"], 50.0);
  EXPECT_LT(max_gap, 5.0);
  // 15589 mi on the dash (UI_SETTING.UNITS = miles) is 25088 km.
  EXPECT_NEAR(last["Vehicle.TraveledDistance"], 25088.06, 0.01);
}

}  // namespace
}  // namespace autograph::normaliser
