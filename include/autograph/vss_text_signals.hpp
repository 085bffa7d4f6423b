// The VSS signals whose values are text (VSS datatype string or string[]), not numbers.
//
// Their samples carry, as value, the index of the text in the pipeline's table of text values
// (pipeline::SignalTexts); the batch writes the text itself (DESIGN.md: "text values go through
// the signal table, not per-sample strings"). The policy gate treats a change of such a value as
// a change whatever the deadband, and only the OBD-II poller's OBD_TEXT message may feed them.
#pragma once

#include <string_view>

namespace autograph {

inline constexpr std::string_view kVssVinPath = "Vehicle.VehicleIdentification.VIN";  // string
inline constexpr std::string_view kVssDtcListPath = "Vehicle.OBD.DTCList";            // string[]

inline constexpr bool is_vss_text_path(std::string_view path) noexcept {
  return path == kVssVinPath || path == kVssDtcListPath;
}

}  // namespace autograph
