#include "autograph/signing/json_writer.hpp"

#include <fmt/format.h>

#include <cmath>

#include "autograph/check.hpp"

namespace autograph::signing {
namespace {

// Returns the length of the valid UTF-8 sequence starting at text[i], or 0 if it is invalid
// (overlong forms, surrogates and values above U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t length = 0;
  uint8_t min_second = 0x80;
  uint8_t max_second = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    min_second = lead == 0xe0 ? 0xa0 : 0x80;
    max_second = lead == 0xed ? 0x9f : 0xbf;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    min_second = lead == 0xf0 ? 0x90 : 0x80;
    max_second = lead == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < min_second || byte(i + 1) > max_second) {
    return 0;
  }
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) {
      return 0;
    }
  }
  return length;
}

}  // namespace

void append_json_string(std::string& out, std::string_view value) {
  out.push_back('"');
  for (size_t i = 0; i < value.size();) {
    const auto c = static_cast<uint8_t>(value[i]);
    if (c >= 0x80) {
      const size_t length = utf8_sequence_length(value, i);
      if (length == 0) {
        out.append("\\ufffd");
        ++i;
      } else {
        out.append(value.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void JsonWriter::before_value() {
  if (stack_.empty()) {
    return;
  }
  Level& level = stack_.back();
  if (level.scope == Scope::kObjectExpectValue) {
    level.scope = Scope::kObjectExpectKey;
    return;
  }
  AG_CHECK(level.scope == Scope::kArray, "JsonWriter: object member value without key()");
  if (!level.first) {
    out_.push_back(',');
  }
  level.first = false;
}

void JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  stack_.push_back({Scope::kObjectExpectKey, true});
}

void JsonWriter::end_object() {
  AG_CHECK(!stack_.empty() && stack_.back().scope == Scope::kObjectExpectKey,
           "JsonWriter: end_object without a matching begin_object, or after a dangling key");
  stack_.pop_back();
  out_.push_back('}');
}

void JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  stack_.push_back({Scope::kArray, true});
}

void JsonWriter::end_array() {
  AG_CHECK(!stack_.empty() && stack_.back().scope == Scope::kArray,
           "JsonWriter: end_array without a matching begin_array");
  stack_.pop_back();
  out_.push_back(']');
}

void JsonWriter::key(std::string_view name) {
  AG_CHECK(!stack_.empty() && stack_.back().scope == Scope::kObjectExpectKey,
           "JsonWriter: key() outside an object or twice in a row");
  Level& level = stack_.back();
  if (!level.first) {
    out_.push_back(',');
  }
  level.first = false;
  level.scope = Scope::kObjectExpectValue;
  append_json_string(out_, name);
  out_.push_back(':');
}

void JsonWriter::string(std::string_view value) {
  before_value();
  append_json_string(out_, value);
}

void JsonWriter::integer(int64_t value) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", value);
}

void JsonWriter::unsigned_integer(uint64_t value) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", value);
}

void JsonWriter::number(double value) {
  before_value();
  if (!std::isfinite(value)) {
    out_.append("null");
    return;
  }
  // fmt's default for double is the shortest round-trip form (Dragonbox), valid JSON for finite
  // values ("52.1", "1e+21", "-0").
  fmt::format_to(std::back_inserter(out_), "{}", value);
}

void JsonWriter::raw(std::string_view json) {
  before_value();
  out_.append(json);
}

}  // namespace autograph::signing
