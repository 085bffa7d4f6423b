#include "json/json_object_reader.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace autograph::json {

void throw_schema_error(std::string_view path, std::string_view message) {
  throw SchemaError(fmt::format("{}: {}", path.empty() ? "(root)" : path, message));
}

std::string join_path(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string index_path(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string_view kind_of(const nlohmann::json& value) {
  if (value.is_null()) {
    return "null";
  }
  if (value.is_boolean()) {
    return "a boolean";
  }
  if (value.is_number_integer()) {
    return "an integer";
  }
  if (value.is_number()) {
    return "a number";
  }
  if (value.is_string()) {
    return "a string";
  }
  if (value.is_array()) {
    return "an array";
  }
  if (value.is_object()) {
    return "an object";
  }
  return "binary data";
}

namespace {
[[noreturn]] void throw_wrong_kind(const nlohmann::json& value, std::string_view path,
                                   std::string_view expected) {
  throw_schema_error(path, fmt::format("expected {}, got {}", expected, kind_of(value)));
}
}  // namespace

std::string expect_string(const nlohmann::json& value, std::string_view path) {
  if (!value.is_string()) {
    throw_wrong_kind(value, path, "a string");
  }
  return value.get<std::string>();
}

int64_t expect_integer(const nlohmann::json& value, std::string_view path, int64_t min,
                       int64_t max) {
  if (!value.is_number_integer()) {
    throw_wrong_kind(value, path, "an integer");
  }
  if (value.is_number_unsigned()) {
    const uint64_t unsigned_value = value.get<uint64_t>();
    if (unsigned_value > static_cast<uint64_t>(max) ||
        (min > 0 && unsigned_value < static_cast<uint64_t>(min))) {
      throw_schema_error(path, fmt::format("{} is out of range {}..{}", unsigned_value, min, max));
    }
    return static_cast<int64_t>(unsigned_value);
  }
  const int64_t signed_value = value.get<int64_t>();
  if (signed_value < min || signed_value > max) {
    throw_schema_error(path, fmt::format("{} is out of range {}..{}", signed_value, min, max));
  }
  return signed_value;
}

double expect_number(const nlohmann::json& value, std::string_view path, double min, double max) {
  if (!value.is_number()) {
    throw_wrong_kind(value, path, "a number");
  }
  const double number = value.get<double>();
  if (!std::isfinite(number) || number < min || number > max) {
    throw_schema_error(path, fmt::format("{} is out of range {}..{}", number, min, max));
  }
  return number;
}

bool expect_boolean(const nlohmann::json& value, std::string_view path) {
  if (!value.is_boolean()) {
    throw_wrong_kind(value, path, "true or false");
  }
  return value.get<bool>();
}

const nlohmann::json& expect_array(const nlohmann::json& value, std::string_view path,
                                   size_t min_size, size_t max_size) {
  if (!value.is_array()) {
    throw_wrong_kind(value, path, "an array");
  }
  if (value.size() < min_size || value.size() > max_size) {
    throw_schema_error(
        path, fmt::format("has {} elements; expected {}..{}", value.size(), min_size, max_size));
  }
  return value;
}

JsonObjectReader::JsonObjectReader(const nlohmann::json& value, std::string path,
                                   std::initializer_list<std::string_view> known_keys)
    : object_(value), path_(std::move(path)) {
  if (!value.is_object()) {
    throw_wrong_kind(value, path_, "an object");
  }
  for (const auto& item : value.items()) {
    bool known = false;
    for (std::string_view key : known_keys) {
      known = known || key == item.key();
    }
    if (!known) {
      throw_schema_error(path_of(item.key()),
                         fmt::format("unknown key (known: {})", fmt::join(known_keys, ", ")));
    }
  }
}

bool JsonObjectReader::has(std::string_view key) const { return optional(key) != nullptr; }

const nlohmann::json* JsonObjectReader::optional(std::string_view key) const {
  const auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

const nlohmann::json& JsonObjectReader::required(std::string_view key) const {
  const nlohmann::json* value = optional(key);
  if (value == nullptr) {
    throw_schema_error(path_of(key), "missing required key");
  }
  return *value;
}

std::string JsonObjectReader::string(std::string_view key) const {
  return expect_string(required(key), path_of(key));
}

std::optional<std::string> JsonObjectReader::optional_string(std::string_view key) const {
  const nlohmann::json* value = optional(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  return expect_string(*value, path_of(key));
}

int64_t JsonObjectReader::integer(std::string_view key, int64_t min, int64_t max) const {
  return expect_integer(required(key), path_of(key), min, max);
}

std::optional<int64_t> JsonObjectReader::optional_integer(std::string_view key, int64_t min,
                                                          int64_t max) const {
  const nlohmann::json* value = optional(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  return expect_integer(*value, path_of(key), min, max);
}

double JsonObjectReader::number(std::string_view key, double min, double max) const {
  return expect_number(required(key), path_of(key), min, max);
}

std::optional<double> JsonObjectReader::optional_number(std::string_view key, double min,
                                                        double max) const {
  const nlohmann::json* value = optional(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  return expect_number(*value, path_of(key), min, max);
}

bool JsonObjectReader::boolean(std::string_view key) const {
  return expect_boolean(required(key), path_of(key));
}

std::optional<bool> JsonObjectReader::optional_boolean(std::string_view key) const {
  const nlohmann::json* value = optional(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  return expect_boolean(*value, path_of(key));
}

const nlohmann::json& JsonObjectReader::array(std::string_view key, size_t min_size,
                                              size_t max_size) const {
  return expect_array(required(key), path_of(key), min_size, max_size);
}

}  // namespace autograph::json
