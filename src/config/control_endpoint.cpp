#include "config/control_endpoint.hpp"

#include <algorithm>

#include "json/json_object_reader.hpp"

namespace autograph::config {
namespace {

namespace sj = autograph::json;
using sj::JsonObjectReader;
using sj::throw_schema_error;

bool is_inline_pem(const std::string& text) { return text.starts_with("-----BEGIN"); }

// Inline PEM as it is, or a path made absolute against `base_dir`.
std::string read_pem_or_path(const JsonObjectReader& object, std::string_view key,
                             const std::filesystem::path& base_dir) {
  const std::string text = object.string(key);
  if (text.empty() || text.find('\0') != std::string::npos) {
    throw_schema_error(object.path_of(key), "expected inline PEM or a file path");
  }
  if (is_inline_pem(text)) {
    return text;
  }
  const std::filesystem::path file(text);
  return (file.is_absolute() ? file : base_dir / file).string();
}

// A topic template: 1..256 bytes, no wildcards or NUL, and no placeholder but {device}.
std::string read_topic(const JsonObjectReader& object, std::string_view key,
                       std::string_view fallback) {
  const std::string topic = object.optional_string(key).value_or(std::string(fallback));
  std::string rest = topic;
  for (size_t at = rest.find("{device}"); at != std::string::npos; at = rest.find("{device}")) {
    rest.erase(at, 8);
  }
  const bool ok =
      !topic.empty() && topic.size() <= 256 && std::none_of(rest.begin(), rest.end(), [](char c) {
        return c == '+' || c == '#' || c == '\0' || c == '{' || c == '}';
      });
  if (!ok) {
    throw_schema_error(object.path_of(key),
                       "expected an MQTT topic of 1..256 characters without + # or placeholders "
                       "other than {device}");
  }
  return topic;
}

}  // namespace

ControlEndpoint read_control_endpoint(const nlohmann::json& value, const std::string& path,
                                      const std::filesystem::path& base_dir) {
  const JsonObjectReader object(
      value, path,
      {"host", "port", "ca", "client_cert", "client_key", "status_topic", "policy_topic"});
  ControlEndpoint control;
  control.host = object.string("host");
  const bool host_ok = !control.host.empty() && control.host.size() <= 253 &&
                       std::all_of(control.host.begin(), control.host.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
                       });
  if (!host_ok) {
    throw_schema_error(object.path_of("host"),
                       "expected a host name or IP address (A-Z a-z 0-9 . - :, 1..253)");
  }
  control.port = static_cast<uint16_t>(object.integer("port", 1, 65535));
  control.ca = read_pem_or_path(object, "ca", base_dir);
  if (object.has("client_cert") != object.has("client_key")) {
    throw_schema_error(path, "client_cert and client_key go together");
  }
  if (object.has("client_cert")) {
    control.client_cert = read_pem_or_path(object, "client_cert", base_dir);
    const std::string key = read_pem_or_path(object, "client_key", base_dir);
    if (is_inline_pem(key)) {
      throw_schema_error(object.path_of("client_key"),
                         "expected a file path (a private key is never inline)");
    }
    control.client_key = key;
  }
  control.status_topic = read_topic(object, "status_topic", kDefaultStatusTopic);
  control.policy_topic = read_topic(object, "policy_topic", kDefaultPolicyTopic);
  return control;
}

}  // namespace autograph::config
