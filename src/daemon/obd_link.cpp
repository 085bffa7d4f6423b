// ObdLink (see the header).
#include "daemon/obd_link.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/obd_bus.hpp"

namespace autograph::daemon {

Result<void> ObdLink::add_bus(std::vector<can::Database>& buses, std::vector<std::string>& names) {
  if (!config_) {
    return {};
  }
  if (std::find(names.begin(), names.end(), kObdBusName) != names.end()) {
    return fail(ErrorCode::kMalformed,
                "can[]: an interface named \"{}\" clashes with the OBD-II answers' virtual bus of "
                "that name; rename it or remove \"obd\"",
                kObdBusName);
  }
  Result<can::Database> database = can::parse_dbc(can::obd_dbc_text(), "obd.dbc (generated)");
  if (!database) {
    return tl::unexpected(database.error());
  }
  buses.push_back(std::move(*database));
  names.emplace_back(kObdBusName);
  return {};
}

Result<normaliser::VssMapping> ObdLink::load_mapping(const std::filesystem::path& path,
                                                     std::span<const can::Database> buses,
                                                     std::span<const std::string> names) const {
  Result<normaliser::VssMapping> vehicle = normaliser::VssMapping::load(path, buses, names);
  if (!vehicle || !config_) {
    return vehicle;
  }
  // load() has read and checked the file; read it again to append to it.
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  nlohmann::json document = nlohmann::json::parse(text.str(), nullptr, false);
  if (!file || document.is_discarded() || !document.is_object() || !document.contains("signals") ||
      !document["signals"].is_array()) {
    return fail(ErrorCode::kFailedPrecondition, "{}: changed while it was read", path.string());
  }
  const nlohmann::json obd =
      nlohmann::json::parse("[" + can::obd_vss_mapping_entries(kObdBusName) + "]", nullptr, false);
  if (obd.is_discarded()) {
    return fail(ErrorCode::kInternal, "obd_vss_mapping_entries: not JSON");
  }
  for (const nlohmann::json& entry : obd) {
    document["signals"].push_back(entry);
  }
  return normaliser::VssMapping::parse(
      document.dump(), fmt::format("{} + OBD-II PID table", path.string()), buses, names);
}

Result<void> ObdLink::open_source(uint16_t bus, const std::vector<std::string>& bus_names,
                                  pipeline::SignalTexts& texts,
                                  std::vector<std::unique_ptr<pipeline::FrameSource>>& sources) {
  if (!config_) {
    return {};
  }
  can::ObdPollerOptions options;
  options.interface = config_->interface;
  options.extended_ids = config_->extended_ids;
  options.bus = bus;
  options.scheduler.min_request_gap_ms = config_->min_request_gap_ms;
  options.scheduler.response_timeout_ms = config_->response_timeout_ms;
  Result<std::unique_ptr<pipeline::ObdFrameSource>> source =
      pipeline::ObdFrameSource::open(options, bus_names, rule_, texts);
  if (!source) {
    return tl::unexpected(source.error());
  }
  source_ = source->get();
  sources.push_back(std::move(*source));
  return {};
}

void ObdLink::set_policy(const std::optional<policy::ObdPolling>& rule) {
  rule_ = rule;
  if (source_ != nullptr) {
    source_->set_policy(rule);
  }
}

std::optional<pipeline::ObdStatus> ObdLink::status() const {
  if (source_ == nullptr) {
    return std::nullopt;
  }
  const can::ObdPoller& poller = source_->poller();
  const can::ObdPollerCounters& c = poller.counters();
  const can::ObdScheduler& scheduler = poller.scheduler();
  pipeline::ObdStatus status;
  status.requests = c.sent;
  status.send_errors = c.send_errors;
  status.answers = c.answers;
  status.isotp_errors = c.isotp_errors;
  status.malformed = c.malformed;
  status.negative = c.negative;
  status.multi_pid_refusals = scheduler.counters().multi_pid_refusals;
  status.failures = scheduler.counters().failures;
  status.backoffs = scheduler.counters().backoffs;
  status.texts_refused = source_->texts_refused();
  status.learned_addresses = c.learned_addresses;
  status.unknown_responders = c.unknown_responders;
  for (int ecu = 0; ecu < can::ObdScheduler::kMaxEcus; ++ecu) {
    if (scheduler.ecu_present(ecu) || scheduler.ecu_failures(ecu) > 0) {
      status.ecus.push_back({poller.response_id(ecu), scheduler.ecu_present(ecu),
                             scheduler.ecu_failures(ecu), scheduler.ecu_backoffs(ecu)});
    }
  }
  status.last_error = poller.last_error();
  return status;
}

}  // namespace autograph::daemon
