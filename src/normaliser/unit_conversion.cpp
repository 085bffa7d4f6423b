#include "normaliser/unit_conversion.hpp"

#include <array>

namespace autograph::normaliser {
namespace {

// VSS 6.0 unit names (spec/units.yaml) that real DBC signals use.
constexpr std::array<std::string_view, 27> kKnownUnits = {
    "km/h",    "m/s",     "mph",       "m/s^2", "g",   "celsius", "fahrenheit", "kPa", "bar",
    "psi",     "percent", "ratio",     "V",     "mV",  "A",       "mA",         "W",   "kW",
    "degrees", "rad",     "degrees/s", "rad/s", "rpm", "m",       "km",         "mm",  "mi",
};
// VSS 6.0 units that OBD-II PIDs use (can/obd_pid_table.cpp): mass air flow, fuel rate, run time.
constexpr std::array<std::string_view, 3> kObdUnits = {"g/s", "l/h", "s"};

struct Pair {
  std::string_view from;
  std::string_view to;
  LinearConversion conversion;
};

constexpr double kPi = 3.141592653589793;
constexpr double kStandardGravity = 9.80665;  // m/s^2 per g (CGPM 1901)
constexpr double kMetresPerMile = 1609.344;   // international mile
constexpr double kKilopascalPerPsi = 6.894757293168361;

// Each pair once; the reverse direction, where it makes sense, is written out too so that
// every scale is the exact literal rather than a reciprocal rounded twice.
constexpr std::array<Pair, 26> kPairs = {{
    {"km/h", "m/s", {1.0 / 3.6, 0.0}},
    {"m/s", "km/h", {3.6, 0.0}},
    {"mph", "km/h", {kMetresPerMile / 1000.0, 0.0}},
    {"mph", "m/s", {kMetresPerMile / 3600.0, 0.0}},
    {"g", "m/s^2", {kStandardGravity, 0.0}},
    {"fahrenheit", "celsius", {5.0 / 9.0, -160.0 / 9.0}},
    {"bar", "kPa", {100.0, 0.0}},
    {"kPa", "bar", {0.01, 0.0}},
    {"psi", "kPa", {kKilopascalPerPsi, 0.0}},
    {"ratio", "percent", {100.0, 0.0}},
    {"percent", "ratio", {0.01, 0.0}},
    {"mV", "V", {0.001, 0.0}},
    {"mA", "A", {0.001, 0.0}},
    {"W", "kW", {0.001, 0.0}},
    {"kW", "W", {1000.0, 0.0}},
    {"rad", "degrees", {180.0 / kPi, 0.0}},
    {"degrees", "rad", {kPi / 180.0, 0.0}},
    {"rad/s", "degrees/s", {180.0 / kPi, 0.0}},
    {"degrees/s", "rad/s", {kPi / 180.0, 0.0}},
    {"m", "km", {0.001, 0.0}},
    {"km", "m", {1000.0, 0.0}},
    {"mm", "m", {0.001, 0.0}},
    {"m", "mm", {1000.0, 0.0}},
    {"mi", "km", {kMetresPerMile / 1000.0, 0.0}},
    {"mi", "m", {kMetresPerMile, 0.0}},
    {"km", "mi", {1000.0 / kMetresPerMile, 0.0}},
}};

}  // namespace

bool is_known_unit(std::string_view unit) noexcept {
  for (std::string_view known : kKnownUnits) {
    if (known == unit) {
      return true;
    }
  }
  for (std::string_view known : kObdUnits) {
    if (known == unit) {
      return true;
    }
  }
  return false;
}

std::optional<LinearConversion> find_conversion(std::string_view from,
                                                std::string_view to) noexcept {
  if (!is_known_unit(from) || !is_known_unit(to)) {
    return std::nullopt;
  }
  if (from == to) {
    return LinearConversion{};
  }
  for (const Pair& pair : kPairs) {
    if (pair.from == from && pair.to == to) {
      return pair.conversion;
    }
  }
  return std::nullopt;
}

}  // namespace autograph::normaliser
