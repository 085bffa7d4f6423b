#include "e2e/expected_samples.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

namespace autograph::e2e {
namespace {

using Json = nlohmann::json;

// The factor of each unit pair the vehicle profiles use, from the units' definitions
// (1 mile = 1609.344 m), written here rather than taken from src/normaliser.
std::optional<double> unit_factor(const std::string& from, const std::string& to) {
  if (from == to) {
    return 1.0;
  }
  if (from == "km" && to == "m") {
    return 1000.0;
  }
  if (from == "mi" && to == "km") {
    return 1.609344;
  }
  return std::nullopt;
}

// Message ids by name from `BO_ <id> <name>:` lines; extended ids carry bit 31 in DBC files.
// (Read with a stream, not std::regex: g++ 12 warns inside <regex> under the sanitizer flags.)
std::map<std::string, uint32_t> message_ids(const std::vector<std::string>& dbc_texts) {
  std::map<std::string, uint32_t> ids;
  for (const std::string& text : dbc_texts) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string keyword;
      uint64_t id = 0;
      std::string name;
      if (words >> keyword >> id >> name && keyword == "BO_" && name.size() > 1 &&
          name.back() == ':') {
        name.pop_back();
        ids[name] = static_cast<uint32_t>(id & 0x1FFFFFFFu);
      }
    }
  }
  return ids;
}

bool matches(const std::string& pattern, const std::string& path) {
  if (pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0) {
    const std::string prefix = pattern.substr(0, pattern.size() - 1);
    return path.compare(0, prefix.size(), prefix) == 0;
  }
  return pattern == path;
}

// "1953.613500" -> 1953613500 (candump's six digits of fraction).
std::optional<int64_t> parse_micros(const std::string& text) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos || text.size() - dot - 1 > 6) {
    return std::nullopt;
  }
  std::string fraction = text.substr(dot + 1);
  fraction.resize(6, '0');
  return std::stoll(text.substr(0, dot)) * 1'000'000 + std::stoll(fraction);
}

}  // namespace

Result<ExpectedSamples> ExpectedSamples::create(
    std::string_view mapping_json,
    const std::map<std::string, std::vector<std::string>>& dbc_texts) {
  const Json mapping = Json::parse(mapping_json, nullptr, false);
  if (mapping.is_discarded() || !mapping.contains("signals")) {
    return fail(ErrorCode::kMalformed, "mapping: not JSON with signals");
  }
  ExpectedSamples out;
  for (const Json& signal : mapping["signals"]) {
    const std::string bus = signal.at("bus");
    const auto texts = dbc_texts.find(bus);
    if (texts == dbc_texts.end()) {
      continue;
    }
    const auto ids = message_ids(texts->second);
    const auto id = ids.find(signal.at("message").get<std::string>());
    if (id == ids.end()) {
      return fail(ErrorCode::kMalformed, "mapping: no message {} on {}",
                  signal.at("message").get<std::string>(), bus);
    }
    Entry entry;
    entry.path = signal.at("vss");
    if (signal.contains("map")) {
      entry.mapped = true;
      for (const auto& [raw, value] : signal["map"].items()) {
        entry.choices[std::stoll(raw)] =
            value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0) : value.get<double>();
      }
    } else {
      const auto factor = unit_factor(signal.at("from_unit"), signal.at("unit"));
      if (!factor) {
        return fail(ErrorCode::kMalformed, "mapping: no factor for {}", entry.path);
      }
      entry.scale = *factor;
    }
    out.entries_[{bus, id->second, signal.at("signal").get<std::string>()}] = std::move(entry);
  }
  return out;
}

std::vector<std::string> ExpectedSamples::signal_names() const {
  std::set<std::string> names;
  for (const auto& [key, entry] : entries_) {
    names.insert(std::get<2>(key));
  }
  return {names.begin(), names.end()};
}

Result<std::map<std::string, std::vector<ExpectedSample>>> ExpectedSamples::gate(
    std::string_view decode_jsonl, const std::vector<RateRule>& rules) const {
  std::map<std::string, std::vector<ExpectedSample>> out;
  std::map<std::string, int64_t> window_start_us;
  std::istringstream in{std::string(decode_jsonl)};
  size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const Json record = Json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.contains("t")) {
      return fail(ErrorCode::kMalformed, "decode output line {}: not a record", line_number);
    }
    if (record["signals"].is_null()) {
      continue;
    }
    // "t" is the capture's own text ("1953.613500"); read it from the line, not through a
    // double.
    const size_t t_end = line.find(",\"bus\":");
    const auto t_us = line.rfind("{\"t\":", 0) == 0 && t_end != std::string::npos
                          ? parse_micros(line.substr(5, t_end - 5))
                          : std::nullopt;
    if (!t_us) {
      return fail(ErrorCode::kMalformed, "decode output line {}: no time", line_number);
    }
    const uint32_t id =
        static_cast<uint32_t>(std::stoul(record["id"].get<std::string>(), nullptr, 16));
    for (const auto& [name, value] : record["signals"].items()) {
      const auto entry = entries_.find({record["bus"].get<std::string>(), id, name});
      if (entry == entries_.end() || !value.is_number()) {
        continue;
      }
      double vss = value.get<double>() * entry->second.scale;
      if (entry->second.mapped) {
        const auto choice = entry->second.choices.find(std::llround(value.get<double>()));
        if (choice == entry->second.choices.end()) {
          continue;  // unmapped raw values are dropped (and counted) by the normaliser
        }
        vss = choice->second;
      }
      const std::string& path = entry->second.path;
      const RateRule* rule = nullptr;
      for (const RateRule& candidate : rules) {
        if (matches(candidate.pattern, path)) {
          rule = &candidate;
          break;
        }
      }
      if (rule == nullptr) {
        continue;
      }
      const auto start = window_start_us.find(path);
      if (start != window_start_us.end() && *t_us < start->second + rule->every_ms * 1000) {
        continue;
      }
      window_start_us[path] = *t_us;
      out[path].push_back({*t_us, vss});
    }
  }
  return out;
}

}  // namespace autograph::e2e
