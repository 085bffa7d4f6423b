#include "normaliser/vss_mapping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "autograph/can/can_frame.hpp"
#include "autograph/can/obd_bus.hpp"
#include "autograph/check.hpp"
#include "autograph/vss_text_signals.hpp"
#include "normaliser/unit_conversion.hpp"

namespace autograph::normaliser {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 3> kTopKeys = {"vss_version", "comment", "signals"};
constexpr std::array<std::string_view, 10> kEntryKeys = {
    "bus", "message", "signal", "vss", "unit", "from_unit", "scale", "offset", "map", "comment"};
constexpr std::string_view kVssVersion = "6.0";
constexpr size_t kMaxFileBytes = size_t{1} << 20;
// What VssNormaliser's compact ops can index (a gear lever has a handful of positions).
constexpr size_t kMaxMapPairs = 255;
constexpr size_t kMaxTotalMapPairs = 65535;

template <size_t N>
bool contains(const std::array<std::string_view, N>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// A VSS path: "Vehicle" and dot-separated segments of letters, digits and '_'.
bool valid_vss_path(std::string_view path) {
  if (!path.starts_with("Vehicle.")) {
    return false;
  }
  bool segment_empty = true;
  for (char c : path) {
    if (c == '.') {
      if (segment_empty) {
        return false;
      }
      segment_empty = true;
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_') {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

// Turns the JSON document into a VssMapping, one entry at a time; every error names the source
// and the entry's path in the document.
class VssMappingBuilder {
 public:
  VssMappingBuilder(std::string_view source, std::span<const can::Database> buses,
                    std::span<const std::string> bus_names)
      : source_(source), buses_(buses), bus_names_(bus_names) {}

  Result<VssMapping> build(const json& document) {
    if (!document.is_object()) {
      return error("", "the document must be a JSON object");
    }
    for (const auto& [key, value] : document.items()) {
      if (!contains(kTopKeys, key)) {
        return error(key, "unknown key");
      }
    }
    auto version = document.find("vss_version");
    if (version == document.end() || !version->is_string() || *version != kVssVersion) {
      return error("vss_version", fmt::format("must be the string \"{}\"", kVssVersion));
    }
    auto signals = document.find("signals");
    if (signals == document.end() || !signals->is_array()) {
      return error("signals", "must be an array of entries");
    }
    for (size_t i = 0; i < signals->size(); ++i) {
      if (auto added = add_entry((*signals)[i], fmt::format("signals[{}]", i)); !added) {
        return tl::unexpected(added.error());
      }
    }
    return std::move(mapping_);
  }

 private:
  tl::unexpected<Error> error(std::string_view where, std::string_view what) const {
    if (where.empty()) {
      return fail(ErrorCode::kMalformed, "{}: {}", source_, what);
    }
    return fail(ErrorCode::kMalformed, "{}: {}: {}", source_, where, what);
  }

  Result<std::string> string_field(const json& entry, const std::string& path,
                                   std::string_view key) const {
    auto it = entry.find(key);
    if (it == entry.end()) {
      return error(path, fmt::format("missing key \"{}\"", key));
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      return error(fmt::format("{}.{}", path, key), "must be a non-empty string");
    }
    return it->get<std::string>();
  }

  Result<void> add_entry(const json& entry, const std::string& path) {
    if (!entry.is_object()) {
      return error(path, "must be an object");
    }
    for (const auto& [key, value] : entry.items()) {
      if (!contains(kEntryKeys, key)) {
        return error(fmt::format("{}.{}", path, key), "unknown key");
      }
    }
    MappingEntry out;
    if (auto resolved = resolve_signal(entry, path, out); !resolved) {
      return resolved;
    }
    auto vss = string_field(entry, path, "vss");
    if (!vss) {
      return tl::unexpected(vss.error());
    }
    if (!valid_vss_path(*vss)) {
      return error(path + ".vss",
                   fmt::format("\"{}\" is not a VSS path (Vehicle.Branch.Leaf)", *vss));
    }
    std::string unit;
    if (auto conversion = read_conversion(entry, path, out, unit); !conversion) {
      return conversion;
    }
    // The value of a text signal is an index into the pipeline's table of texts, which only the
    // OBD-II source fills: any other source would write indices of texts that do not exist.
    if (is_vss_text_path(*vss) &&
        (out.message_name != can::kObdTextMessageName || out.kind != ConversionKind::kLinear ||
         out.scale != 1.0 || out.offset != 0.0)) {
      return error(path + ".vss", fmt::format("{} is a text signal: only the OBD-II poller's {} "
                                              "message feeds it, unscaled",
                                              *vss, can::kObdTextMessageName));
    }
    return place(std::move(out), *vss, unit, path);
  }

  // Finds the bus, message and signal the entry names.
  Result<void> resolve_signal(const json& entry, const std::string& path, MappingEntry& out) {
    auto bus = string_field(entry, path, "bus");
    if (!bus) {
      return tl::unexpected(bus.error());
    }
    auto bus_it = std::find(bus_names_.begin(), bus_names_.end(), *bus);
    if (bus_it == bus_names_.end()) {
      return error(path + ".bus", fmt::format("no bus \"{}\" in the vehicle profile", *bus));
    }
    out.bus = static_cast<uint16_t>(bus_it - bus_names_.begin());
    const can::Database& db = buses_[out.bus];
    auto message = find_message(entry, path, db);
    if (!message) {
      return tl::unexpected(message.error());
    }
    auto signal = string_field(entry, path, "signal");
    if (!signal) {
      return tl::unexpected(signal.error());
    }
    const can::Message& m = **message;
    auto sig = std::find_if(m.signals.begin(), m.signals.end(),
                            [&](const can::Signal& s) { return s.name == *signal; });
    if (sig == m.signals.end()) {
      return error(path + ".signal",
                   fmt::format("no signal \"{}\" in message {} (0x{:X}) on {}", *signal, m.name,
                               m.id & ~can::CanFrame::kEffFlag, *bus));
    }
    out.message_id = m.id;
    out.message_name = m.name;
    out.signal = *signal;
    return {};
  }

  Result<const can::Message*> find_message(const json& entry, const std::string& path,
                                           const can::Database& db) const {
    auto it = entry.find("message");
    if (it == entry.end()) {
      return error(path, "missing key \"message\"");
    }
    std::optional<uint32_t> id;
    std::string name;
    if (it->is_number_unsigned() && it->get<uint64_t>() <= 0x1FFFFFFFu) {
      id = it->get<uint32_t>();
    } else if (it->is_string() && !it->get_ref<const std::string&>().empty()) {
      name = it->get<std::string>();
      if (name.starts_with("0x") || name.starts_with("0X")) {
        uint32_t value = 0;
        auto [ptr, ec] = std::from_chars(name.data() + 2, name.data() + name.size(), value, 16);
        if (ec != std::errc() || ptr != name.data() + name.size() || value > 0x1FFFFFFFu) {
          return error(path + ".message", fmt::format("\"{}\" is not a CAN identifier", name));
        }
        id = value;
      }
    } else {
      return error(path + ".message", "must be a message name or identifier");
    }
    for (const can::Message& m : db.messages) {
      const bool match = id ? (m.id & ~can::CanFrame::kEffFlag) == *id &&
                                  ((m.id & can::CanFrame::kEffFlag) != 0) == (*id > 0x7FF)
                            : m.name == name;
      if (match) {
        return &m;
      }
    }
    return error(path + ".message", fmt::format("no message {} in the DBC of bus \"{}\"",
                                                it->dump(), entry.value("bus", std::string())));
  }

  // Reads exactly one of from_unit, scale (+ offset) and map, and the unit.
  Result<void> read_conversion(const json& entry, const std::string& path, MappingEntry& out,
                               std::string& unit) {
    const int ways = static_cast<int>(entry.contains("from_unit")) +
                     static_cast<int>(entry.contains("scale")) +
                     static_cast<int>(entry.contains("map"));
    if (ways != 1) {
      return error(path, "needs exactly one of \"from_unit\", \"scale\" or \"map\"");
    }
    if (entry.contains("offset") && !entry.contains("scale")) {
      return error(path + ".offset", "only with \"scale\"");
    }
    if (auto it = entry.find("unit"); it != entry.end()) {
      if (!it->is_string() || !is_known_unit(it->get_ref<const std::string&>())) {
        return error(path + ".unit", fmt::format("{} is not a known VSS unit", it->dump()));
      }
      unit = it->get<std::string>();
    }
    if (auto it = entry.find("from_unit"); it != entry.end()) {
      if (unit.empty()) {
        return error(path, "\"from_unit\" needs \"unit\"");
      }
      if (!it->is_string()) {
        return error(path + ".from_unit", "must be a string");
      }
      auto conversion = find_conversion(it->get_ref<const std::string&>(), unit);
      if (!conversion) {
        return error(path + ".from_unit",
                     fmt::format("no conversion from {} to \"{}\"", it->dump(), unit));
      }
      out.kind = ConversionKind::kLinear;
      out.scale = conversion->scale;
      out.offset = conversion->offset;
      return {};
    }
    if (entry.contains("scale")) {
      return read_linear(entry, path, out);
    }
    return read_map(entry.at("map"), path + ".map", out);
  }

  Result<void> read_linear(const json& entry, const std::string& path, MappingEntry& out) const {
    for (std::string_view key : {"scale", "offset"}) {
      auto it = entry.find(key);
      if (it != entry.end() && (!it->is_number() || !std::isfinite(it->get<double>()))) {
        return error(fmt::format("{}.{}", path, key), "must be a finite number");
      }
    }
    out.kind = ConversionKind::kLinear;
    out.scale = entry.at("scale").get<double>();
    out.offset = entry.value("offset", 0.0);
    return {};
  }

  Result<void> read_map(const json& map, const std::string& path, MappingEntry& out) {
    if (!map.is_object() || map.empty() || map.size() > kMaxMapPairs) {
      return error(path, fmt::format("must be an object of 1 to {} pairs "
                                     "{{\"<decoded integer>\": <VSS value>}}",
                                     kMaxMapPairs));
    }
    if (map_pairs_ + map.size() > kMaxTotalMapPairs) {
      return error(path, fmt::format("more than {} map pairs in the file", kMaxTotalMapPairs));
    }
    for (const auto& [key, value] : map.items()) {
      auto raw = parse_integer(key);
      if (!raw) {
        return error(fmt::format("{}.{}", path, key), "key is not a decimal integer");
      }
      double vss_value = 0.0;
      if (value.is_boolean()) {
        vss_value = value.get<bool>() ? 1.0 : 0.0;
      } else if (value.is_number() && std::isfinite(value.get<double>())) {
        vss_value = value.get<double>();
      } else {
        return error(fmt::format("{}.{}", path, key), "value must be a number or a boolean");
      }
      out.map.emplace_back(*raw, vss_value);
    }
    std::sort(out.map.begin(), out.map.end());
    for (size_t i = 1; i < out.map.size(); ++i) {
      if (out.map[i].first == out.map[i - 1].first) {
        return error(path, fmt::format("key {} appears twice", out.map[i].first));
      }
    }
    out.kind = ConversionKind::kMap;
    map_pairs_ += out.map.size();
    return {};
  }

  // Assigns the VSS id and checks the one-source-per-bus and one-unit rules.
  Result<void> place(MappingEntry out, const std::string& vss, const std::string& unit,
                     const std::string& path) {
    for (const MappingEntry& other : mapping_.entries_) {
      if (other.bus == out.bus && other.message_id == out.message_id &&
          other.signal == out.signal) {
        return error(path, fmt::format("{}.{} on {} is already mapped", out.message_name,
                                       out.signal, bus_names_[out.bus]));
      }
    }
    auto& paths = mapping_.vss_paths_;
    auto existing = std::find(paths.begin(), paths.end(), vss);
    out.vss_signal = static_cast<uint32_t>(existing - paths.begin());
    if (existing == paths.end()) {
      paths.push_back(vss);
      mapping_.vss_units_.push_back(unit);
    } else if (mapping_.vss_units_[out.vss_signal] != unit) {
      return error(path + ".unit", fmt::format("{} was given in \"{}\" before", vss,
                                               mapping_.vss_units_[out.vss_signal]));
    }
    for (const MappingEntry& other : mapping_.entries_) {
      if (other.vss_signal == out.vss_signal && other.bus == out.bus) {
        return error(path + ".vss",
                     fmt::format("{} already has a source on {} ({}.{})", vss, bus_names_[out.bus],
                                 other.message_name, other.signal));
      }
    }
    mapping_.entries_.push_back(std::move(out));
    return {};
  }

  std::string_view source_;
  std::span<const can::Database> buses_;
  std::span<const std::string> bus_names_;
  VssMapping mapping_;
  size_t map_pairs_ = 0;  // over all entries so far
};

Result<VssMapping> VssMapping::parse(std::string_view json_text, std::string_view source_name,
                                     std::span<const can::Database> buses,
                                     std::span<const std::string> bus_names) {
  AG_CHECK(buses.size() == bus_names.size(), "one bus name per database");
  json document;
  try {
    document = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return fail(ErrorCode::kMalformed, "{}: invalid JSON at byte {}: {}", source_name, e.byte,
                e.what());
  } catch (const json::exception& e) {
    // Not only parse_error: a number beyond binary64 ("1E400") is an out_of_range.
    return fail(ErrorCode::kMalformed, "{}: invalid JSON: {}", source_name, e.what());
  }
  try {
    return VssMappingBuilder(source_name, buses, bus_names).build(document);
  } catch (const json::exception& e) {
    // The builder checks every type before reading; this is a guard, not a path.
    return fail(ErrorCode::kInternal, "{}: {}", source_name, e.what());
  }
}

Result<VssMapping> VssMapping::load(const std::filesystem::path& path,
                                    std::span<const can::Database> buses,
                                    std::span<const std::string> bus_names) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot open the mapping file", path.string());
  }
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot read the mapping file", path.string());
  }
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) {
    return fail(ErrorCode::kMalformed, "{}: larger than {} bytes", path.string(), kMaxFileBytes);
  }
  return parse(text, path.string(), buses, bus_names);
}

std::vector<can::SignalKey> VssMapping::needed_signals(std::span<const uint32_t> vss_ids) const {
  std::vector<can::SignalKey> keys;
  for (const MappingEntry& entry : entries_) {
    if (std::find(vss_ids.begin(), vss_ids.end(), entry.vss_signal) != vss_ids.end()) {
      keys.push_back({entry.bus, entry.message_id, entry.signal});
    }
  }
  return keys;
}

}  // namespace autograph::normaliser
