// Policy: the owner's document, as parsed and validated (see docs/policy.md for the schema).
//
// A Policy says which grantees get which of the vehicle's signals, how often and with which
// privacy transforms, how their batches are closed, whether OBD-II polling is allowed, for which
// device, and in which time span. It is plain data: parse_policy() (policy_parser.hpp) builds
// one and guarantees every invariant documented here; PolicyVerifier checks who signed it;
// PolicyGate compiles it against the signals a vehicle provides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/signing/address.hpp"

namespace autograph::policy {

// The VSS paths of the two location coordinates, to which precision_m and blackout apply.
inline constexpr std::string_view kLatitudePath = "Vehicle.CurrentLocation.Latitude";
inline constexpr std::string_view kLongitudePath = "Vehicle.CurrentLocation.Longitude";

// A circle in which the location is withheld; on the edge counts as inside.
struct Blackout {
  double lat = 0;       // degrees, -90..90
  double lon = 0;       // degrees, -180..180
  double radius_m = 0;  // metres, 1..1,000,000
};

enum class RateKind : uint8_t {
  kEvery,     // at most one value per every_ms
  kOnChange,  // a value when it differs from the last one sent by more than deadband
};

struct SignalRule {
  std::string path;  // VSS path; a segment "*" matches one segment, a final "*" any depth
  RateKind kind = RateKind::kEvery;
  int64_t every_ms = 0;  // kEvery: 1..86,400,000
  double deadband = 0;   // kOnChange: >= 0, in the signal's unit
  // Location only (the path matches Latitude or Longitude): round to a grid of this many metres.
  std::optional<double> precision_m;
  std::vector<Blackout> blackouts;  // location only
};

struct Endpoint {
  std::string host;  // DNS name or IP literal; the TLS peer name checked against the certificate
  uint16_t port = 0;
  // The CA that signs the endpoint's certificate: inline PEM ("-----BEGIN CERTIFICATE-----...")
  // or an absolute path on the device.
  std::string ca;
  std::optional<std::string> client_cert;  // inline PEM or absolute path; with client_key
  std::optional<std::string> client_key;   // absolute path on the device (never inline)
  std::string topic;  // MQTT topic template; may contain {device} and {grantee}
};

struct Batching {
  int64_t max_interval_s = 0;  // a batch closes at most this long after its first sample
  int64_t max_samples = 0;     // ... or when it holds this many samples
};

struct Grantee {
  std::string name;  // [A-Za-z0-9_-]{1,32}, unique; the stream name
  Endpoint endpoint;
  std::vector<SignalRule> signals;  // in document order; the first rule matching a path wins
  Batching batch;
};

struct ObdPolling {
  bool enabled = false;
  std::vector<uint8_t> pids;  // OBD-II service 01 PIDs, unique
  int64_t interval_ms = 0;    // 100..3,600,000
};

struct Policy {
  signing::Address device;        // the device this policy is for
  uint64_t version = 0;           // 1..2^53-1; each new policy for a device has a greater one
  int64_t issued_ms = 0;          // milliseconds since the Unix epoch (UTC); valid from
  int64_t expires_ms = 0;         // valid until, exclusive; always > issued_ms
  std::vector<Grantee> grantees;  // 1..16
  std::optional<ObdPolling> obd;
};

// The topic of `grantee` for `device`: the template with {device} (the device's address in
// EIP-55 checksum form, as signing::Address::to_checksum_hex() writes it) and {grantee} replaced.
std::string expand_topic(std::string_view topic_template, std::string_view device,
                         std::string_view grantee);

}  // namespace autograph::policy
