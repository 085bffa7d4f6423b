#include "policy/policy_summary.hpp"

#include <fmt/format.h>

#include "policy/rfc3339.hpp"

namespace autograph::policy {
namespace {

std::string duration(int64_t ms) {
  if (ms % 3'600'000 == 0) {
    return fmt::format("{} h", ms / 3'600'000);
  }
  if (ms % 60'000 == 0) {
    return fmt::format("{} min", ms / 60'000);
  }
  if (ms % 1000 == 0) {
    return fmt::format("{} s", ms / 1000);
  }
  return fmt::format("{} ms", ms);
}

std::string signals_named(const std::string& pattern) {
  if (pattern == "*") {
    return "every signal";
  }
  if (pattern.ends_with(".*")) {
    return fmt::format("every signal under {}", pattern.substr(0, pattern.size() - 2));
  }
  if (pattern.find('*') != std::string::npos) {
    return fmt::format("signals matching {}", pattern);
  }
  return pattern;
}

std::string describe_rule(const SignalRule& rule) {
  std::string line = fmt::format("    - {}: ", signals_named(rule.path));
  if (rule.kind == RateKind::kEvery) {
    line += fmt::format("at most one value every {}", duration(rule.every_ms));
  } else if (rule.deadband > 0) {
    line += fmt::format("when it changes by more than {}", rule.deadband);
  } else {
    line += "whenever it changes";
  }
  if (rule.precision_m) {
    line += fmt::format("; location rounded to a {} m grid", *rule.precision_m);
  }
  for (const Blackout& circle : rule.blackouts) {
    line +=
        fmt::format("; no location within {} m of {}, {}", circle.radius_m, circle.lat, circle.lon);
  }
  return line + "\n";
}

std::string describe_grantee(const Grantee& grantee, const std::string& device) {
  const Endpoint& endpoint = grantee.endpoint;
  std::string out = fmt::format(
      "Grantee \"{}\" receives at {}:{}, topic \"{}\", over TLS checked against CA {}{}.\n",
      grantee.name, endpoint.host, endpoint.port,
      expand_topic(endpoint.topic, device, grantee.name),
      endpoint.ca.starts_with("-----BEGIN") ? "(inline PEM)" : endpoint.ca,
      endpoint.client_cert
          ? fmt::format(", with client certificate {}",
                        endpoint.client_cert->starts_with("-----BEGIN") ? "(inline PEM)"
                                                                        : *endpoint.client_cert)
          : "");
  out += fmt::format("  Batches are sent at least every {} or every {} samples.\n",
                     duration(grantee.batch.max_interval_s * 1000), grantee.batch.max_samples);
  out += "  It gets (the first matching line decides; nothing else is sent):\n";
  for (const SignalRule& rule : grantee.signals) {
    out += describe_rule(rule);
  }
  return out;
}

}  // namespace

std::string describe_policy(const Policy& policy) {
  std::string out =
      fmt::format("Policy version {} for device {}, valid from {} until {}.\n", policy.version,
                  policy.device.to_checksum_hex(), format_rfc3339_utc(policy.issued_ms),
                  format_rfc3339_utc(policy.expires_ms));
  for (const Grantee& grantee : policy.grantees) {
    out += describe_grantee(grantee, policy.device.to_checksum_hex());
  }
  if (!policy.obd || !policy.obd->enabled) {
    out += "OBD-II polling: off (the device sends nothing on the bus).\n";
  } else {
    std::string pids;
    for (uint8_t pid : policy.obd->pids) {
      pids += fmt::format("{}0x{:02X}", pids.empty() ? "" : ", ", pid);
    }
    out +=
        fmt::format("OBD-II polling: PIDs {} every {}.\n", pids, duration(policy.obd->interval_ms));
  }
  return out;
}

}  // namespace autograph::policy
