#include "cli/sample_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace autograph::cli {

void append_sample_value(std::string& out, const can::Sample& sample) {
  switch (sample.kind) {
    case can::SampleKind::kUnsigned:
      fmt::format_to(std::back_inserter(out), "{}", sample.value.u64);
      return;
    case can::SampleKind::kSigned:
      fmt::format_to(std::back_inserter(out), "{}", sample.value.i64);
      return;
    case can::SampleKind::kFloat:
      break;
  }
  const double value = sample.value.f64;
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  const size_t start = out.size();
  // fmt's "{}" is the shortest round-trip form and switches to an exponent where Python does.
  fmt::format_to(std::back_inserter(out), "{}", value);
  if (out.find_first_of(".e", start) == std::string::npos) {
    out += ".0";
  }
}

bool raw_value_of(const can::SignalInfo& signal, const can::Sample& sample, int64_t& raw) {
  switch (sample.kind) {
    case can::SampleKind::kUnsigned:
    case can::SampleKind::kSigned: {
      // value = raw * factor + offset held exactly, so the division is exact too.
      const auto factor = static_cast<int64_t>(signal.factor);
      const auto offset = static_cast<uint64_t>(static_cast<int64_t>(signal.offset));
      if (factor == 0) {
        return false;
      }
      // VAL_ keys are int64 (dbc.hpp): raw values above 2^63 can only be written as negatives.
      raw = static_cast<int64_t>(sample.value.u64 - offset) / factor;
      return true;
    }
    case can::SampleKind::kFloat:
      break;
  }
  if (signal.value_type == can::ValueType::kFloat32 ||
      signal.value_type == can::ValueType::kFloat64 || signal.factor == 0.0) {
    return false;
  }
  const double estimate = std::round((sample.value.f64 - signal.offset) / signal.factor);
  if (!(std::fabs(estimate) < 9.0e18)) {
    return false;
  }
  raw = static_cast<int64_t>(estimate);
  return true;
}

const std::string* choice_of(const can::SignalInfo& signal, const can::Sample& sample) {
  int64_t raw = 0;
  if (signal.choices.empty() || !raw_value_of(signal, sample, raw)) {
    return nullptr;
  }
  for (const auto& [number, text] : signal.choices) {
    if (number == raw) {
      return &text;
    }
  }
  return nullptr;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
}

}  // namespace autograph::cli
