// ObdLink: the daemon's OBD-II poller, wired in beside the vehicle's buses (docs/obd.md, "Into
// the pipeline").
//
// With an `obd` section in the device configuration, add_bus() appends the virtual "obd" bus
// (the database obd_dbc_text() generates) after the configured interfaces, and load_mapping()
// appends the PID table's mapping entries (obd_vss_mapping_entries) to the vehicle's mapping, so
// OBD values reach the normaliser, gate, streams and signer like any other signal. Only
// autographd opens the poller (open_source()); a replayed capture has no ECU to ask, so
// `autograph replay` decodes the same buses but sends nothing.
//
// set_policy() is called with every applied policy (start, SIGHUP, policy topic); before the
// source is open it only remembers the rule, which open_source() then puts in force.
//
// Thread: the reactor thread (and run_pipeline before the reactor starts). The source is owned by
// the reactor; ObdLink keeps a plain pointer, valid while the reactor lives.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autograph/can/dbc.hpp"
#include "autograph/result.hpp"
#include "config/device_config.hpp"
#include "normaliser/vss_mapping.hpp"
#include "pipeline/frame_source.hpp"
#include "pipeline/obd_frame_source.hpp"
#include "pipeline/status_event.hpp"
#include "policy/policy.hpp"

namespace autograph::daemon {

inline constexpr std::string_view kObdBusName = "obd";

class ObdLink {
 public:
  // `config`: the device configuration's `obd` section; absent, every member does nothing.
  explicit ObdLink(std::optional<config::ObdDevice> config) : config_(std::move(config)) {}

  bool configured() const noexcept { return config_.has_value(); }

  // Appends the "obd" bus (its generated database and name) when configured. kMalformed when an
  // interface of can[] is itself named "obd" (the two buses could not be told apart).
  [[nodiscard]] Result<void> add_bus(std::vector<can::Database>& buses,
                                     std::vector<std::string>& names);

  // The vehicle's mapping file `path` against `buses` named `names` (VssMapping::load, with its
  // errors), and when configured the PID table's entries appended to its "signals" (VSS ids of
  // the vehicle's paths stay as the file gives them).
  [[nodiscard]] Result<normaliser::VssMapping> load_mapping(
      const std::filesystem::path& path, std::span<const can::Database> buses,
      std::span<const std::string> names) const;

  // Opens the poller on the configured interface (answers on bus index `bus` of `bus_names`)
  // with the last rule set_policy() got, and appends it to `sources`; VIN and DTC texts go to
  // `texts` (the pipeline's). Does nothing when not configured. Errors: ObdFrameSource::open's
  // (no such interface, no can-isotp).
  [[nodiscard]] Result<void> open_source(
      uint16_t bus, const std::vector<std::string>& bus_names, pipeline::SignalTexts& texts,
      std::vector<std::unique_ptr<pipeline::FrameSource>>& sources);

  // The `obd` section of the policy now in force (absent: polling stops).
  void set_policy(const std::optional<policy::ObdPolling>& rule);

  // The poller's counters for the status event; nullopt while no poller is open.
  std::optional<pipeline::ObdStatus> status() const;

 private:
  std::optional<config::ObdDevice> config_;
  std::optional<policy::ObdPolling> rule_;
  pipeline::ObdFrameSource* source_ = nullptr;  // owned by the reactor's source list
};

}  // namespace autograph::daemon
