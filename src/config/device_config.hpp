// DeviceConfig: the local configuration written by whoever installs the device.
//
// It says which CAN interfaces to open and how, which vehicle profile decodes them (DBC files per
// bus and the DBC-to-VSS mapping), and where the device key, the state directory and the spool
// live. The owner's address is not here: pairing (`autograph pair`) records it in the state
// directory, and what is shared is the owner's signed policy. Unknown keys are errors, named by
// their JSON path, like everywhere a person writes JSON for autograph.
//
// docs/configuration.md documents every member, with a complete example; examples/config.json
// is a working one. Optional: "control", the broker for status events and policies
// (control_endpoint.hpp), "status_interval_s", and "obd", where autographd asks the car's ECUs
// for OBD-II PIDs (which ones and how often is the owner's policy's choice, not this file's).
//
// Thread: plain data and pure functions; any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/result.hpp"
#include "config/control_endpoint.hpp"

namespace autograph::config {

inline constexpr std::string_view kDefaultStateDir = "/var/lib/autograph";

struct CanInterface {
  std::string name;  // network interface, 1..15 of A-Z a-z 0-9 _ - .
  // bit/s, 10,000..1,000,000, set through libsocketcan when the daemon finds the interface down;
  // 0 (absent): the system configures the controller (ip link, systemd-networkd).
  uint32_t bitrate = 0;
  // The daemon restarts the controller this long after bus-off, 0..60,000 ms; absent: the
  // kernel's own restart-ms or an operator does.
  std::optional<uint32_t> restart_ms;
  // "timestamps": "software" (default, the kernel's receive time) or "hardware" (the
  // controller's, where its driver provides them).
  bool hardware_timestamps = false;
};

struct VehicleProfile {
  // DBC files per interface name; every name is one of the configured interfaces.
  std::map<std::string, std::vector<std::filesystem::path>> dbc;
  std::filesystem::path vss_mapping;  // DBC signal -> VSS path and unit
};

// Where and how the OBD-II poller asks (can/obd_poller.hpp); what it asks is the policy's.
struct ObdDevice {
  // The interface the diagnostic gateway is on: one of can[] or any SocketCAN interface name
  // (1..15 of A-Z a-z 0-9 _ - .).
  std::string interface;
  bool extended_ids = false;           // "addressing": "11bit" (default) or "29bit"
  uint32_t min_request_gap_ms = 50;    // between any two requests, 10..10,000 ms
  uint32_t response_timeout_ms = 150;  // answers awaited after a request, 50..5,000 ms
};

struct DeviceConfig {
  std::vector<CanInterface> can;  // 1..8, unique names
  VehicleProfile vehicle;
  std::filesystem::path key;
  std::filesystem::path state_dir;
  std::filesystem::path spool_dir;
  uint64_t spool_max_bytes = 64ull << 20;  // 1 MiB .. 1 TiB
  std::optional<ControlEndpoint> control;  // status events and policies over MQTT
  uint32_t status_interval_s = 60;         // 1 .. 86,400
  std::optional<ObdDevice> obd;            // absent: the daemon sends nothing on any bus
};

// Parses and validates `text`; relative paths are resolved against `base_dir`. `source` names
// the document in errors. Returns kMalformed "<source>: <json path>: <problem>" or
// "<source>:<line>:<column>: <syntax problem>". Never throws.
[[nodiscard]] Result<DeviceConfig> parse_device_config(std::string_view text,
                                                       std::string_view source,
                                                       const std::filesystem::path& base_dir);

// Reads and parses the file at `path` (relative paths in it are relative to its directory).
// kUnavailable when it cannot be read, else as parse_device_config().
[[nodiscard]] Result<DeviceConfig> load_device_config(const std::filesystem::path& path);

}  // namespace autograph::config
