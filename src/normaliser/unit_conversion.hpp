// Unit conversion: the small, closed table of unit pairs a mapping file may convert between.
//
// Units are named as COVESA VSS 6.0 names them (spec/units.yaml): "km/h", "m/s", "celsius",
// "percent", "degrees", ... A mapping file names the unit a DBC signal is in (`from_unit`, in
// these names, whatever spelling the DBC uses: "kph", "degC", "Volts") and the VSS unit of the
// target; this table turns the pair into value * scale + offset. Pairs not in the table are
// refused instead of guessed: converting rad/s of a wheel into km/h needs the tyre's radius,
// which is the mapping author's knowledge (write an explicit `scale`), not a unit fact.
//
// Pure functions of constant data; any thread.
#pragma once

#include <optional>
#include <string_view>

namespace autograph::normaliser {

// value_in_to = value_in_from * scale + offset (binary64, no fused multiply-add).
struct LinearConversion {
  double scale = 1.0;
  double offset = 0.0;
};

// Whether `unit` is one of the VSS units this table knows (as a source or a target).
bool is_known_unit(std::string_view unit) noexcept;

// The conversion from `from` to `to`: identity when the names are equal and known; nullopt
// when either unit is unknown or the table has no conversion between them.
std::optional<LinearConversion> find_conversion(std::string_view from,
                                                std::string_view to) noexcept;

}  // namespace autograph::normaliser
