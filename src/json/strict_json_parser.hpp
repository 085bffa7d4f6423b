// Strict JSON parsing for documents that people write and sign: the device configuration and
// the owner's policy.
//
// A signed document must mean one thing to every reader, so besides syntax this rejects what
// nlohmann_json would otherwise accept quietly: duplicate keys in an object (nlohmann keeps the
// last one, other parsers keep the first), nesting deeper than a bound (a stack-depth guard), and
// documents larger than a bound. Syntax errors name line and column (1-based, columns in bytes).
//
// Thread: pure functions; any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "autograph/result.hpp"

namespace autograph::json {

struct StrictJsonLimits {
  size_t max_bytes = 1 << 20;  // larger documents are refused before parsing
  size_t max_depth = 16;       // objects and arrays nested deeper than this are refused
};

// Parses `text` as one JSON value. `source` names the document in errors ("policy.json").
// Returns the value, or kMalformed naming `source` and line:column (syntax, duplicate key, too
// deep) or the size. Never throws.
[[nodiscard]] Result<nlohmann::json> parse_strict_json(std::string_view text,
                                                       std::string_view source,
                                                       const StrictJsonLimits& limits = {});

// The 1-based line and column of byte offset `offset` in `text` (offsets past the end count as
// the end). Exposed for tests.
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition position_of(std::string_view text, size_t offset) noexcept;

}  // namespace autograph::json
