#include "cli/watch_output.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "autograph/signing/batch_envelope.hpp"
#include "cli/cli_logger.hpp"

namespace autograph::cli {
namespace {

using Json = nlohmann::json;

// Members of `data` that the header line already shows, or that only matter to the chain.
constexpr std::string_view kHeaderMembers[] = {"v",    "stream", "seq", "prev",   "policy",
                                               "boot", "from",   "to",  "signals"};

bool is_header_member(std::string_view name) {
  for (std::string_view member : kHeaderMembers) {
    if (member == name) {
      return true;
    }
  }
  return false;
}

std::string clock_text(int64_t ms) {
  const std::string full = signing::format_rfc3339_utc(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
  // "2026-11-26T20:14:37.123Z" -> "20:14:37.123": the date rarely changes within a watch.
  return full.size() >= 23 ? full.substr(11, 12) : full;
}

std::string span_text(const Json& data) {
  const auto from = data.find("from");
  const auto to = data.find("to");
  if (from == data.end() || to == data.end() || !from->is_number_integer() ||
      !to->is_number_integer()) {
    return "";
  }
  const int64_t from_ms = from->get<int64_t>();
  const int64_t to_ms = to->get<int64_t>();
  return fmt::format("  {} .. {} UTC ({:.1f} s)", clock_text(from_ms), clock_text(to_ms),
                     static_cast<double>(to_ms - from_ms) / 1000.0);
}

std::string compact(const Json& value, size_t limit) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > limit) {
    text.resize(limit);
    text += "...";
  }
  return printable(text);
}

void append_signal_rows(std::string& out, const Json& signals, const VssUnits& units) {
  for (const auto& [path, samples] : signals.items()) {
    if (!samples.is_array() || samples.empty()) {
      fmt::format_to(std::back_inserter(out), "  {:<60} {}\n", printable(path),
                     compact(samples, 40));
      continue;
    }
    const Json& last = samples.back();
    const std::string value =
        last.is_array() && last.size() == 2 ? compact(last[1], 24) : compact(last, 24);
    const auto unit = units.find(path);
    fmt::format_to(std::back_inserter(out), "  {:<60} {:>5} x   last {}{}{}\n", printable(path),
                   samples.size(), value, unit == units.end() ? "" : " ",
                   unit == units.end() ? "" : printable(unit->second));
  }
}

void append_data_rows(std::string& out, const Json& data, const VssUnits& units) {
  const auto signals = data.find("signals");
  if (signals != data.end() && signals->is_object()) {
    append_signal_rows(out, *signals, units);
  }
  for (const auto& [name, value] : data.items()) {
    if (!is_header_member(name)) {
      fmt::format_to(std::back_inserter(out), "  {:<20} {}\n", printable(name), compact(value, 76));
    }
  }
}

}  // namespace

Result<VssUnits> load_vss_units(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail(ErrorCode::kFailedPrecondition, "cannot open {}", path.string());
  }
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  const Json mapping = Json::parse(text, nullptr, false);
  if (mapping.is_discarded() || !mapping.is_object() || !mapping.contains("signals") ||
      !mapping["signals"].is_array()) {
    return fail(ErrorCode::kMalformed, "{}: not a VSS mapping (no \"signals\" array)",
                path.string());
  }
  VssUnits units;
  for (const Json& entry : mapping["signals"]) {
    if (entry.is_object() && entry.contains("vss") && entry["vss"].is_string() &&
        entry.contains("unit") && entry["unit"].is_string()) {
      units.emplace(entry["vss"].get<std::string>(), entry["unit"].get<std::string>());
    }
  }
  return units;
}

std::string format_watch_table(std::string_view topic, const CheckedMessage& message,
                               const VssUnits& units) {
  std::string out;
  if (!message.verified()) {
    fmt::format_to(std::back_inserter(out), "✗ NOT VERIFIED  topic {}: {}\n", printable(topic),
                   printable(message.error));
    return out;
  }
  const signing::VerifiedEnvelope& envelope = *message.envelope;
  // verify_envelope checked that data is one JSON object; parse it only to show it.
  const Json data = Json::parse(envelope.data, nullptr, false);
  fmt::format_to(std::back_inserter(out), "{}  seq {}{}  verified ✓  chain {}  ({}, {})\n",
                 printable(envelope.stream), envelope.seq, data.is_object() ? span_text(data) : "",
                 to_string(message.chain), printable(envelope.type), printable(topic));
  for (const std::string& finding : message.chain_messages) {
    fmt::format_to(std::back_inserter(out), "  ! {}\n", printable(finding));
  }
  if (message.chain != ChainStatus::kDuplicate && data.is_object()) {
    append_data_rows(out, data, units);
  }
  return out;
}

std::string format_watch_jsonl(std::string_view topic, const CheckedMessage& message) {
  Json line = Json::object();
  line["topic"] = std::string(topic);
  if (message.verified()) {
    const signing::VerifiedEnvelope& envelope = *message.envelope;
    line["type"] = envelope.type;
    line["signer"] = envelope.signer.to_checksum_hex();
    line["stream"] = envelope.stream;
    line["seq"] = envelope.seq;
  } else {
    line["type"] = nullptr;
    line["signer"] = nullptr;
    line["stream"] = nullptr;
    line["seq"] = nullptr;
  }
  line["verified"] = message.verified();
  line["chain"] = std::string(to_string(message.chain));
  line["findings"] = message.chain_messages;
  if (!message.verified()) {
    line["error"] = message.error;
  }
  line["data"] = message.verified() ? Json(message.envelope->data) : Json(nullptr);
  line["signature"] = message.verified() ? Json(message.signature) : Json(nullptr);
  return line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace autograph::cli
