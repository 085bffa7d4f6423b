#include "config/device_config.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "json/json_object_reader.hpp"
#include "json/strict_json_parser.hpp"

namespace autograph::config {
namespace {

namespace sj = autograph::json;
using Json = nlohmann::json;
using sj::JsonObjectReader;
using sj::throw_schema_error;

std::filesystem::path read_path(const Json& value, const std::string& path,
                                const std::filesystem::path& base_dir) {
  const std::string text = sj::expect_string(value, path);
  if (text.empty() || text.find('\0') != std::string::npos) {
    throw_schema_error(path, "expected a file path");
  }
  const std::filesystem::path file(text);
  return file.is_absolute() ? file : base_dir / file;
}

// The "interface" member of `object`, checked as a Linux network interface name.
std::string read_interface_name(const JsonObjectReader& object) {
  std::string name = object.string("interface");
  const bool name_ok =
      !name.empty() && name.size() <= 15 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
      });
  if (!name_ok) {
    throw_schema_error(object.path_of("interface"),
                       "expected a network interface name, 1..15 of A-Z a-z 0-9 _ - .");
  }
  return name;
}

CanInterface read_interface(const Json& value, const std::string& path) {
  const JsonObjectReader object(value, path, {"interface", "bitrate", "restart_ms", "timestamps"});
  CanInterface can;
  can.name = read_interface_name(object);
  if (const auto bitrate = object.optional_integer("bitrate", 10'000, 1'000'000)) {
    can.bitrate = static_cast<uint32_t>(*bitrate);
  }
  if (const Json* timestamps = object.optional("timestamps")) {
    const std::string kind = sj::expect_string(*timestamps, object.path_of("timestamps"));
    if (kind != "software" && kind != "hardware") {
      throw_schema_error(object.path_of("timestamps"),
                         fmt::format("\"{}\": expected \"software\" or \"hardware\"", kind));
    }
    can.hardware_timestamps = kind == "hardware";
  }
  if (const auto restart = object.optional_integer("restart_ms", 0, 60'000)) {
    can.restart_ms = static_cast<uint32_t>(*restart);
  }
  return can;
}

// The interface may be one that can[] does not list: on many cars the OBD port's gateway answers
// diagnostics on a bus with nothing else worth listening to.
ObdDevice read_obd(const Json& value) {
  const JsonObjectReader object(
      value, "obd", {"interface", "addressing", "min_request_gap_ms", "response_timeout_ms"});
  ObdDevice obd;
  obd.interface = read_interface_name(object);
  if (const Json* addressing = object.optional("addressing")) {
    const std::string kind = sj::expect_string(*addressing, object.path_of("addressing"));
    if (kind != "11bit" && kind != "29bit") {
      throw_schema_error(object.path_of("addressing"),
                         fmt::format("\"{}\": expected \"11bit\" or \"29bit\"", kind));
    }
    obd.extended_ids = kind == "29bit";
  }
  obd.min_request_gap_ms =
      static_cast<uint32_t>(object.optional_integer("min_request_gap_ms", 10, 10'000).value_or(50));
  obd.response_timeout_ms = static_cast<uint32_t>(
      object.optional_integer("response_timeout_ms", 50, 5'000).value_or(150));
  return obd;
}

VehicleProfile read_vehicle(const Json& value, const std::vector<CanInterface>& can,
                            const std::filesystem::path& base_dir) {
  const JsonObjectReader object(value, "vehicle", {"dbc", "vss_mapping"});
  VehicleProfile vehicle;
  const Json& dbc = object.required("dbc");
  if (!dbc.is_object() || dbc.empty()) {
    throw_schema_error("vehicle.dbc", "expected an object of interface name -> [DBC files]");
  }
  for (const auto& item : dbc.items()) {
    const std::string& bus = item.key();
    const Json& files = item.value();
    const std::string path = sj::join_path("vehicle.dbc", bus);
    const bool known =
        std::any_of(can.begin(), can.end(), [&](const CanInterface& c) { return c.name == bus; });
    if (!known) {
      throw_schema_error(path, "not one of the interfaces in can[]");
    }
    const Json& list = sj::expect_array(files, path, 1, 16);
    for (size_t i = 0; i < list.size(); ++i) {
      vehicle.dbc[bus].push_back(read_path(list[i], sj::index_path(path, i), base_dir));
    }
  }
  vehicle.vss_mapping = read_path(object.required("vss_mapping"), "vehicle.vss_mapping", base_dir);
  return vehicle;
}

DeviceConfig read_config(const Json& document, const std::filesystem::path& base_dir) {
  const JsonObjectReader object(
      document, "",
      {"can", "vehicle", "key", "state_dir", "spool", "control", "status_interval_s", "obd"});
  DeviceConfig config;
  const Json& can = object.array("can", 1, 8);
  std::set<std::string> names;
  for (size_t i = 0; i < can.size(); ++i) {
    const std::string path = sj::index_path("can", i);
    CanInterface interface = read_interface(can[i], path);
    if (!names.insert(interface.name).second) {
      throw_schema_error(sj::join_path(path, "interface"),
                         fmt::format("\"{}\" is configured twice", interface.name));
    }
    config.can.push_back(std::move(interface));
  }
  config.vehicle = read_vehicle(object.required("vehicle"), config.can, base_dir);
  config.state_dir = object.has("state_dir")
                         ? read_path(object.required("state_dir"), "state_dir", base_dir)
                         : std::filesystem::path(kDefaultStateDir);
  config.key = object.has("key") ? read_path(object.required("key"), "key", base_dir)
                                 : config.state_dir / "device.key";
  config.spool_dir = config.state_dir / "spool";
  if (const Json* spool = object.optional("spool")) {
    const JsonObjectReader reader(*spool, "spool", {"dir", "max_bytes"});
    if (const Json* dir = reader.optional("dir")) {
      config.spool_dir = read_path(*dir, "spool.dir", base_dir);
    }
    config.spool_max_bytes = static_cast<uint64_t>(
        reader.optional_integer("max_bytes", int64_t{1} << 20, int64_t{1} << 40)
            .value_or(int64_t{64} << 20));
  }
  if (const Json* control = object.optional("control")) {
    config.control = read_control_endpoint(*control, "control", base_dir);
  }
  config.status_interval_s =
      static_cast<uint32_t>(object.optional_integer("status_interval_s", 1, 86'400).value_or(60));
  if (const Json* obd = object.optional("obd")) {
    config.obd = read_obd(*obd);
  }
  return config;
}

}  // namespace

Result<DeviceConfig> parse_device_config(std::string_view text, std::string_view source,
                                         const std::filesystem::path& base_dir) {
  auto document = sj::parse_strict_json(text, source,
                                        sj::StrictJsonLimits{.max_bytes = 1 << 20, .max_depth = 8});
  if (!document) {
    return tl::unexpected(document.error());
  }
  try {
    return read_config(*document, base_dir);
  } catch (const sj::SchemaError& error) {
    return fail(ErrorCode::kMalformed, "{}: {}", source, error.what());
  } catch (const nlohmann::json::exception& error) {
    return fail(ErrorCode::kMalformed, "{}: {}", source, error.what());
  }
}

Result<DeviceConfig> load_device_config(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail(ErrorCode::kUnavailable, "{}: cannot open: {}", path.string(),
                std::generic_category().message(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    return fail(ErrorCode::kUnavailable, "{}: read failed", path.string());
  }
  return parse_device_config(text.str(), path.string(), path.parent_path());
}

}  // namespace autograph::config
