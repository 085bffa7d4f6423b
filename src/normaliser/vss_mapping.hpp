// VssMapping: a vehicle's mapping file, checked against its DBCs: which DBC signal becomes which
// COVESA VSS 6.0 signal, in which unit, by which conversion.
//
// The file (JSON, documented with an example in docs/vss-mapping.md) is strict: an unknown key,
// a missing or mistyped field, an unknown unit pair, or a DBC signal that does not exist is an
// error naming the file, the entry (`signals[3]`) and the key, because a typo must not silently
// drop or change what a grantee receives. Each entry names the bus (interface name), the message
// (name, or identifier as a number or "0x..." string), the signal, the VSS path, and exactly
// one way to get there:
//   - `from_unit` + `unit`: a unit conversion from unit_conversion.hpp (identity when equal);
//   - `scale` (+ optional `offset`): value * scale + offset, in `unit`;
//   - `map`: {"<decoded integer>": <VSS number or boolean>} (at most 255 pairs, 65535 in the
//     file); values not in it are dropped.
// Several entries may feed one VSS path only from different buses (a gateway forwarding the same
// signal onto a second bus); two sources on one bus would interleave two sensors into one
// series, so that is refused. All entries of one path must give the same unit.
//
// VSS signal ids are the indices of vss_paths(): the paths in order of first appearance in the
// file. They do not depend on which DBC signals a decoder selects, so a narrowed decoder and its
// normaliser keep the same ids (the policy gate's signal ids).
//
// Immutable after load; any thread may read it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autograph/can/dbc.hpp"
#include "autograph/can/decoder_plan.hpp"
#include "autograph/result.hpp"

namespace autograph::normaliser {

// How a mapping entry turns the decoded value into the VSS value.
enum class ConversionKind : uint8_t {
  kLinear,  // value * scale + offset (unit conversions and explicit transforms)
  kMap,     // the decoded integer looked up in a table; misses are dropped
};

struct MappingEntry {
  uint16_t bus = 0;         // bus index (position of the interface name in bus_names)
  uint32_t message_id = 0;  // CanFrame convention, with kEffFlag for extended identifiers
  std::string message_name;
  std::string signal;
  uint32_t vss_signal = 0;  // index into VssMapping::vss_paths()
  ConversionKind kind = ConversionKind::kLinear;
  double scale = 1.0;
  double offset = 0.0;
  std::vector<std::pair<int64_t, double>> map;  // kMap only; sorted by key, keys unique
};

class VssMapping {
 public:
  // Parses `json_text` (named `source_name` in errors) and resolves every entry against
  // `buses` (index = bus index, one Database per bus, several DBCs of a bus merged) whose
  // interface names are `bus_names` (same index). Returns kMalformed naming source, entry and
  // key for: invalid JSON (with its byte offset), an unknown or missing key, a wrong type, an
  // unknown unit or unit pair, a map key that is not an integer, an unknown bus, message or
  // signal, two entries for one DBC signal, two entries for one VSS path on the same bus, or
  // entries of one VSS path with different units. Aborts when buses and bus_names differ in size.
  [[nodiscard]] static Result<VssMapping> parse(std::string_view json_text,
                                                std::string_view source_name,
                                                std::span<const can::Database> buses,
                                                std::span<const std::string> bus_names);

  // Reads `path` and parses it with the path as source name. Returns kFailedPrecondition when it
  // cannot be opened or read, kMalformed when it is larger than 1 MiB, else as parse().
  [[nodiscard]] static Result<VssMapping> load(const std::filesystem::path& path,
                                               std::span<const can::Database> buses,
                                               std::span<const std::string> bus_names);

  // VSS paths by VSS signal id, and their units ("" for unitless: booleans, gears).
  const std::vector<std::string>& vss_paths() const noexcept { return vss_paths_; }
  const std::vector<std::string>& vss_units() const noexcept { return vss_units_; }
  // The resolved entries, in file order.
  const std::vector<MappingEntry>& entries() const noexcept { return entries_; }

  // The DBC signals that feed any of `vss_ids` (ids beyond vss_paths() are ignored): the keys
  // to select in a decoder so that it decodes only what those VSS signals need. Empty when none
  // does; note that an empty can::SignalSelection means "every signal" to the decoder, so the
  // caller decides what an empty result means for it.
  std::vector<can::SignalKey> needed_signals(std::span<const uint32_t> vss_ids) const;

 private:
  friend class VssMappingBuilder;

  std::vector<std::string> vss_paths_;
  std::vector<std::string> vss_units_;
  std::vector<MappingEntry> entries_;
};

}  // namespace autograph::normaliser
