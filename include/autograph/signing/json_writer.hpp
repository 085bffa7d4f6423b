// A small JSON serialiser that appends to one string, for bytes that are signed: its output is
// fully determined by the calls made (no maps reordering keys, no locale, no pretty printing).
//
// Numbers: integers exactly; doubles in the shortest text that reads back to the same binary64
// (so 52.1 is "52.1", 100.0 is "100"); non-finite doubles, which JSON cannot express, as null.
// Strings: '"', '\\' and control characters escaped (\n, \t, ... or \u00XX); valid UTF-8 is
// copied; each byte of invalid UTF-8 becomes \ufffd so the output is always valid JSON.
//
// The caller nests begin/end calls correctly and calls key() before each member value; a wrong
// sequence is a programming error (AG_CHECK). Not thread-safe; one writer per document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace autograph::signing {

class JsonWriter {
 public:
  // Appends to `out`, which the caller owns and keeps alive while writing.
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // Writes a member name; the next call writes its value.
  void key(std::string_view name);

  void string(std::string_view value);
  void integer(int64_t value);
  void unsigned_integer(uint64_t value);
  void number(double value);
  // Appends `json`, which must already be one valid JSON value (not checked).
  void raw(std::string_view json);

  // True when every begun object and array has ended.
  bool complete() const noexcept { return stack_.empty(); }

 private:
  enum class Scope : uint8_t { kObjectExpectKey, kObjectExpectValue, kArray };
  struct Level {
    Scope scope;
    bool first;
  };

  // Writes the comma and checks the position before a value.
  void before_value();

  std::string& out_;
  std::vector<Level> stack_;
};

// Appends `value` as a JSON string literal (with quotes) to `out`, escaped as described above.
void append_json_string(std::string& out, std::string_view value);

}  // namespace autograph::signing
