// Text forms of decoded values for `autograph decode`: numbers as Python's json/repr writes them,
// so output compares token for token with cantools-based tools.
#pragma once

#include <string>
#include <string_view>

#include "autograph/can/decoder_plan.hpp"
#include "autograph/can/sample.hpp"

namespace autograph::cli {

// Appends the value of `sample`: integers exactly in decimal; doubles as the shortest text that
// reads back to the same double, with ".0" added when that text would look like an integer
// (Python repr: 1.0, 1e+16, 5e-05). JSON has no NaN or infinity: those are written as `null`.
void append_sample_value(std::string& out, const can::Sample& sample);

// The raw value behind `sample` (what a VAL_ table is keyed by), or false when it has none:
// exact for integer kinds; for binary64 kinds (value - offset) / factor rounded to the nearest
// integer, which is the raw value whenever |raw| < 2^52.
bool raw_value_of(const can::SignalInfo& signal, const can::Sample& sample, int64_t& raw);

// The VAL_ text for `sample`, or nullptr when the signal has none for its raw value.
const std::string* choice_of(const can::SignalInfo& signal, const can::Sample& sample);

// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped).
void append_json_string(std::string& out, std::string_view text);

// Appends `text` as a CSV field: as it is, or quoted (doubling quotes) when it holds a comma,
// quote or line break.
void append_csv_field(std::string& out, std::string_view text);

}  // namespace autograph::cli
