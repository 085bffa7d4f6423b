// ControlEndpoint: the device configuration's optional "control" member: the MQTT broker the
// device reports its status to and takes new policies from (see docs/configuration.md).
//
// Thread: plain data and pure functions; any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace autograph::config {

inline constexpr std::string_view kDefaultStatusTopic = "autograph/{device}/status";
inline constexpr std::string_view kDefaultPolicyTopic = "autograph/{device}/policy";

struct ControlEndpoint {
  std::string host;  // DNS name the server certificate must carry
  uint16_t port = 0;
  std::string ca;                          // inline PEM, or a path (made absolute)
  std::optional<std::string> client_cert;  // inline PEM or path; with client_key
  std::optional<std::string> client_key;   // a path (never inline)
  // Topic templates; {device} becomes the device address (EIP-55 checksum form).
  std::string status_topic{kDefaultStatusTopic};
  std::string policy_topic{kDefaultPolicyTopic};
};

// Reads the "control" object at JSON path `path`; relative paths are resolved against
// `base_dir`. Throws json::SchemaError naming the member on any problem (unknown key, missing
// host/port/ca, bad topic template); the configuration parser turns it into kMalformed.
ControlEndpoint read_control_endpoint(const nlohmann::json& value, const std::string& path,
                                      const std::filesystem::path& base_dir);

}  // namespace autograph::config
