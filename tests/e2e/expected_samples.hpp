// ExpectedSamples: what each grantee should receive from a replayed capture, computed apart from
// the pipeline: `autograph decode`'s JSON lines, the vehicle mapping's conversions (unit factors
// from the units' definitions, value maps) and the policy's every_ms rule applied as
// docs/policy.md words it. The end-to-end tests compare what `autograph watch` received with it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::e2e {

// One policy rule of the kind the end-to-end policies use: a VSS path pattern (a final `.*`
// matches everything below) and its minimum spacing.
struct RateRule {
  std::string pattern;
  int64_t every_ms = 0;
};

// One value a grantee should receive: capture time in microseconds and the VSS value.
struct ExpectedSample {
  int64_t t_us = 0;
  double value = 0.0;
};

class ExpectedSamples {
 public:
  // `mapping_json`: a vehicles/*/mapping.json; `dbc_texts`: the DBC files' text, by bus (for
  // message names by id). kMalformed naming what could not be read.
  [[nodiscard]] static Result<ExpectedSamples> create(
      std::string_view mapping_json,
      const std::map<std::string, std::vector<std::string>>& dbc_texts);

  // Feeds `autograph decode --format jsonl` output, in capture order, through the conversions
  // and `rules` (the first matching rule decides; a path no rule matches is not sent).
  // Returns the expected values per VSS path. kMalformed naming the line when it can't be read.
  [[nodiscard]] Result<std::map<std::string, std::vector<ExpectedSample>>> gate(
      std::string_view decode_jsonl, const std::vector<RateRule>& rules) const;

  // The DBC signal names the mapping reads (for `decode --signals`).
  std::vector<std::string> signal_names() const;

 private:
  struct Entry {
    std::string path;
    double scale = 1.0;                 // unit conversion factor
    std::map<int64_t, double> choices;  // value map, when the entry has one
    bool mapped = false;
  };
  // (bus, frame id, signal name) -> entry
  std::map<std::tuple<std::string, uint32_t, std::string>, Entry> entries_;
};

}  // namespace autograph::e2e
