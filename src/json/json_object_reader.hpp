// JsonObjectReader: reads one JSON object of a strict schema, naming every problem by its JSON
// path ("grantees[1].signals[0].evry_ms: unknown key").
//
// Schemas here are closed: a key the schema does not know is an error, because a typo in a
// policy must not silently widen or narrow what is shared. Problems are thrown as SchemaError;
// that exception is internal to the parsers built on this reader (policy, device configuration),
// which catch it at their edge and return an Error. It never crosses a module boundary.
//
// Thread: no shared state; any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace autograph::json {

// A schema violation: `what()` is "<json path>: <problem>".
class SchemaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws SchemaError "<path>: <message>".
[[noreturn]] void throw_schema_error(std::string_view path, std::string_view message);

// "grantees[1]" + "name" -> "grantees[1].name"; the root path is "".
std::string join_path(std::string_view path, std::string_view key);
std::string index_path(std::string_view path, size_t index);

// What a JSON value is, in words ("a string", "an integer", "an object", ...).
std::string_view kind_of(const nlohmann::json& value);

// Checks on a single value at `path`; each throws SchemaError naming the path and what was
// expected when the value does not fit, and returns the value otherwise.
std::string expect_string(const nlohmann::json& value, std::string_view path);
int64_t expect_integer(const nlohmann::json& value, std::string_view path, int64_t min,
                       int64_t max);
// Any finite number (integer or not) within [min, max].
double expect_number(const nlohmann::json& value, std::string_view path, double min, double max);
bool expect_boolean(const nlohmann::json& value, std::string_view path);
// An array of min_size..max_size elements; returns it.
const nlohmann::json& expect_array(const nlohmann::json& value, std::string_view path,
                                   size_t min_size, size_t max_size);

class JsonObjectReader {
 public:
  // Throws SchemaError when `value` is not an object or has a key not in `known_keys`.
  // Keeps a reference to `value`, which must outlive the reader.
  JsonObjectReader(const nlohmann::json& value, std::string path,
                   std::initializer_list<std::string_view> known_keys);

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return join_path(path_, key); }
  bool has(std::string_view key) const;

  // The value of `key`; throws SchemaError "<path>.<key>: missing required key" when absent.
  const nlohmann::json& required(std::string_view key) const;
  // The value of `key`, or nullptr when absent.
  const nlohmann::json* optional(std::string_view key) const;

  std::string string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  int64_t integer(std::string_view key, int64_t min, int64_t max) const;
  std::optional<int64_t> optional_integer(std::string_view key, int64_t min, int64_t max) const;
  double number(std::string_view key, double min, double max) const;
  std::optional<double> optional_number(std::string_view key, double min, double max) const;
  bool boolean(std::string_view key) const;
  std::optional<bool> optional_boolean(std::string_view key) const;
  const nlohmann::json& array(std::string_view key, size_t min_size, size_t max_size) const;

 private:
  const nlohmann::json& object_;
  std::string path_;
};

}  // namespace autograph::json
