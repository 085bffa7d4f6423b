#include "policy/policy_parser.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "json/json_object_reader.hpp"
#include "json/strict_json_parser.hpp"
#include "policy/rfc3339.hpp"
#include "policy/vss_pattern.hpp"

namespace autograph::policy {
namespace {

namespace sj = autograph::json;
using Json = nlohmann::json;
using sj::JsonObjectReader;
using sj::throw_schema_error;

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;  // exact in JavaScript and doubles

signing::Address read_address(const JsonObjectReader& object, std::string_view key) {
  auto address = signing::Address::parse(object.string(key));
  if (!address) {
    throw_schema_error(object.path_of(key), address.error().message());
  }
  return *address;
}

int64_t read_time(const JsonObjectReader& object, std::string_view key) {
  const std::string text = object.string(key);
  const auto ms = parse_rfc3339_utc_ms(text);
  if (!ms) {
    throw_schema_error(
        object.path_of(key),
        fmt::format("\"{}\" is not an RFC 3339 UTC time like 2026-11-26T20:15:00Z", text));
  }
  return *ms;
}

// Inline PEM, or an absolute path on the device.
std::string read_pem_or_path(const JsonObjectReader& object, std::string_view key) {
  std::string value = object.string(key);
  const bool pem = value.starts_with("-----BEGIN ");
  if (!pem && (value.empty() || value[0] != '/')) {
    throw_schema_error(object.path_of(key),
                       "expected an absolute path on the device or inline PEM (-----BEGIN ...)");
  }
  return value;
}

std::string read_topic(const JsonObjectReader& object) {
  std::string topic = object.string("topic");
  if (topic.empty() || topic.size() > 256) {
    throw_schema_error(object.path_of("topic"), "expected 1..256 characters");
  }
  std::string_view rest = topic;
  while (!rest.empty()) {
    const char c = rest.front();
    if (c == '{') {
      const size_t close = rest.find('}');
      const std::string_view name =
          rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1);
      if (name != "{device}" && name != "{grantee}") {
        throw_schema_error(
            object.path_of("topic"),
            fmt::format("unknown placeholder \"{}\" (known: {{device}}, {{grantee}})", name));
      }
      rest.remove_prefix(name.size());
      continue;
    }
    if (c == '}' || c == '+' || c == '#' || c == '\0') {
      throw_schema_error(
          object.path_of("topic"),
          fmt::format("character '{}' is not allowed in a topic", c == '\0' ? ' ' : c));
    }
    rest.remove_prefix(1);
  }
  return topic;
}

Endpoint read_endpoint(const Json& value, const std::string& path) {
  const JsonObjectReader object(value, path,
                                {"host", "port", "ca", "client_cert", "client_key", "topic"});
  Endpoint endpoint;
  endpoint.host = object.string("host");
  const bool host_ok = !endpoint.host.empty() && endpoint.host.size() <= 253 &&
                       std::all_of(endpoint.host.begin(), endpoint.host.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
                       });
  if (!host_ok) {
    throw_schema_error(object.path_of("host"),
                       "expected a host name or IP address (A-Z a-z 0-9 . - :, 1..253)");
  }
  endpoint.port = static_cast<uint16_t>(object.integer("port", 1, 65535));
  endpoint.ca = read_pem_or_path(object, "ca");
  if (object.has("client_cert") != object.has("client_key")) {
    throw_schema_error(path, "client_cert and client_key go together");
  }
  if (object.has("client_cert")) {
    endpoint.client_cert = read_pem_or_path(object, "client_cert");
    std::string key = object.string("client_key");
    if (key.empty() || key[0] != '/') {
      throw_schema_error(object.path_of("client_key"),
                         "expected an absolute path on the device (a private key is never inline)");
    }
    endpoint.client_key = std::move(key);
  }
  endpoint.topic = read_topic(object);
  return endpoint;
}

std::vector<Blackout> read_blackouts(const Json& value, const std::string& path) {
  std::vector<Blackout> blackouts;
  const Json& array = sj::expect_array(value, path, 1, 64);
  for (size_t i = 0; i < array.size(); ++i) {
    const JsonObjectReader circle(array[i], sj::index_path(path, i), {"lat", "lon", "radius_m"});
    blackouts.push_back(Blackout{.lat = circle.number("lat", -90, 90),
                                 .lon = circle.number("lon", -180, 180),
                                 .radius_m = circle.number("radius_m", 1, 1e6)});
  }
  return blackouts;
}

SignalRule read_signal(const Json& value, const std::string& path) {
  const JsonObjectReader object(
      value, path, {"path", "every_ms", "on_change", "deadband", "precision_m", "blackout"});
  SignalRule rule;
  rule.path = object.string("path");
  if (const std::string problem = vss_pattern_problem(rule.path); !problem.empty()) {
    throw_schema_error(object.path_of("path"), fmt::format("\"{}\": {}", rule.path, problem));
  }
  if (object.has("every_ms") == object.has("on_change")) {
    throw_schema_error(path, "needs exactly one of every_ms and on_change");
  }
  if (object.has("every_ms")) {
    rule.kind = RateKind::kEvery;
    rule.every_ms = object.integer("every_ms", 1, 86'400'000);
    if (object.has("deadband")) {
      throw_schema_error(object.path_of("deadband"), "applies only with on_change");
    }
  } else {
    rule.kind = RateKind::kOnChange;
    if (!object.boolean("on_change")) {
      throw_schema_error(object.path_of("on_change"),
                         "must be true when present (use every_ms for a fixed rate)");
    }
    rule.deadband = object.optional_number("deadband", 0, 1e15).value_or(0);
  }
  const bool location = vss_pattern_matches(rule.path, kLatitudePath) ||
                        vss_pattern_matches(rule.path, kLongitudePath);
  if ((object.has("precision_m") || object.has("blackout")) && !location) {
    throw_schema_error(path, fmt::format("precision_m and blackout apply only to {} and {}, which "
                                         "\"{}\" does not match",
                                         kLatitudePath, kLongitudePath, rule.path));
  }
  rule.precision_m = object.optional_number("precision_m", 1, 1e6);
  if (const Json* blackout = object.optional("blackout")) {
    rule.blackouts = read_blackouts(*blackout, object.path_of("blackout"));
  }
  return rule;
}

Grantee read_grantee(const Json& value, const std::string& path) {
  const JsonObjectReader object(value, path, {"name", "endpoint", "signals", "batch"});
  Grantee grantee;
  grantee.name = object.string("name");
  const bool name_ok = !grantee.name.empty() && grantee.name.size() <= 32 &&
                       std::all_of(grantee.name.begin(), grantee.name.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '_' || c == '-';
                       });
  if (!name_ok) {
    throw_schema_error(object.path_of("name"), "expected 1..32 of A-Z a-z 0-9 _ -");
  }
  if (grantee.name == "status") {
    // Its spool and chain would be the device's own status events'.
    throw_schema_error(object.path_of("name"),
                       "\"status\" is reserved for the device's status events");
  }
  grantee.endpoint = read_endpoint(object.required("endpoint"), object.path_of("endpoint"));
  const Json& signals = object.array("signals", 1, 256);
  for (size_t i = 0; i < signals.size(); ++i) {
    grantee.signals.push_back(
        read_signal(signals[i], sj::index_path(object.path_of("signals"), i)));
  }
  const JsonObjectReader batch(object.required("batch"), object.path_of("batch"),
                               {"max_interval_s", "max_samples"});
  grantee.batch.max_interval_s = batch.integer("max_interval_s", 1, 3600);
  grantee.batch.max_samples = batch.integer("max_samples", 1, 100'000);
  return grantee;
}

ObdPolling read_obd(const Json& value) {
  const JsonObjectReader object(value, "obd", {"enabled", "pids", "interval_ms"});
  ObdPolling obd;
  obd.enabled = object.boolean("enabled");
  const Json& pids = object.array("pids", obd.enabled ? 1 : 0, 64);
  std::set<int64_t> seen;
  for (size_t i = 0; i < pids.size(); ++i) {
    const std::string pid_path = sj::index_path("obd.pids", i);
    const int64_t pid = sj::expect_integer(pids[i], pid_path, 0, 255);
    if (!seen.insert(pid).second) {
      throw_schema_error(pid_path, fmt::format("PID {} listed twice", pid));
    }
    obd.pids.push_back(static_cast<uint8_t>(pid));
  }
  obd.interval_ms = object.integer("interval_ms", 100, 3'600'000);
  return obd;
}

Policy read_policy(const Json& document) {
  const JsonObjectReader object(document, "",
                                {"device", "version", "issued", "expires", "grantees", "obd"});
  Policy policy;
  policy.device = read_address(object, "device");
  policy.version = static_cast<uint64_t>(object.integer("version", 1, kMaxSafeInteger));
  policy.issued_ms = read_time(object, "issued");
  policy.expires_ms = read_time(object, "expires");
  if (policy.expires_ms <= policy.issued_ms) {
    throw_schema_error("expires", "must be later than issued");
  }
  const Json& grantees = object.array("grantees", 1, 16);
  std::set<std::string> names;
  for (size_t i = 0; i < grantees.size(); ++i) {
    const std::string path = sj::index_path("grantees", i);
    Grantee grantee = read_grantee(grantees[i], path);
    if (!names.insert(grantee.name).second) {
      throw_schema_error(
          sj::join_path(path, "name"),
          fmt::format("\"{}\" is already the name of another grantee", grantee.name));
    }
    policy.grantees.push_back(std::move(grantee));
  }
  if (const Json* obd = object.optional("obd")) {
    policy.obd = read_obd(*obd);
  }
  return policy;
}

}  // namespace

std::string expand_topic(std::string_view topic_template, std::string_view device,
                         std::string_view grantee) {
  std::string out;
  std::string_view rest = topic_template;
  while (!rest.empty()) {
    if (rest.starts_with("{device}")) {
      out += device;
      rest.remove_prefix(8);
    } else if (rest.starts_with("{grantee}")) {
      out += grantee;
      rest.remove_prefix(9);
    } else {
      out += rest.front();
      rest.remove_prefix(1);
    }
  }
  return out;
}

Result<Policy> parse_policy(std::string_view text, std::string_view source) {
  auto document = sj::parse_strict_json(
      text, source, sj::StrictJsonLimits{.max_bytes = kMaxPolicyBytes, .max_depth = 8});
  if (!document) {
    return tl::unexpected(document.error());
  }
  try {
    return read_policy(*document);
  } catch (const sj::SchemaError& error) {
    return fail(ErrorCode::kMalformed, "{}: {}", source, error.what());
  } catch (const nlohmann::json::exception& error) {
    return fail(ErrorCode::kMalformed, "{}: {}", source, error.what());
  }
}

}  // namespace autograph::policy
