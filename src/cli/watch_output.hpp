// What `autograph watch` prints for each received message: a readable table for people, or one
// JSON line for scripts and tests. Text from the network reaches the terminal only through
// printable() (no control characters); the JSON line carries it escaped.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "autograph/result.hpp"
#include "cli/watch_checker.hpp"

namespace autograph::cli {

// VSS path -> unit ("km/h"), from a vehicle mapping file (vehicles/*/mapping.json).
using VssUnits = std::map<std::string, std::string, std::less<>>;

// Reads the `vss` and `unit` of every entry of `signals` in the mapping file at `path`.
// kFailedPrecondition when the file can't be read; kMalformed naming the file when it is not
// JSON or has no `signals` array. Entries without a unit are skipped.
[[nodiscard]] Result<VssUnits> load_vss_units(const std::filesystem::path& path);

// The table for one message, ending in a newline. A verified batch:
//   owner  seq 12  20:14:37.123 .. 20:14:41.123 UTC (4.0 s)  verified ✓  chain ok
//     Vehicle.Speed                                      4 samples   last 52.1 km/h
// then one line per chain finding; a status event lists its data members instead of signals;
// a message that fails verification is one line with ✗ and the reason.
std::string format_watch_table(std::string_view topic, const CheckedMessage& message,
                               const VssUnits& units);

// One JSON object and a newline: {"topic","type","signer","stream","seq","verified","chain",
// "findings":[...],"error" (when not verified),"data" (the exact data text as a string),
// "signature" (both null when not verified)}: enough for another verifier (ethers) to check.
std::string format_watch_jsonl(std::string_view topic, const CheckedMessage& message);

}  // namespace autograph::cli
