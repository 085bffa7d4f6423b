// A small bounds-checked JSON scanner for verifying signed envelopes: it validates JSON text
// (RFC 8259) and reports where each member's value sits in the text, as an exact slice, so the
// verifier hashes the bytes that were signed instead of a re-serialisation of them.
//
// Every read is bounds-checked; nesting deeper than kMaxDepth is refused (no unbounded recursion
// on hostile input). Errors are kMalformed and give the byte offset. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::signing {

enum class JsonKind { kObject, kArray, kString, kNumber, kTrue, kFalse, kNull };

// Returns "object", "array", "string", "number", "true", "false" or "null".
std::string_view to_string(JsonKind kind) noexcept;

// One member of an object: its decoded name and the exact text of its value.
struct JsonMember {
  std::string name;
  JsonKind kind;
  std::string_view raw;  // a slice of the scanned text (string values keep their quotes)
  size_t offset;         // byte offset of `raw` in the scanned text
};

// One element of an array: the exact text of its value.
struct JsonElement {
  JsonKind kind;
  std::string_view raw;
  size_t offset;
};

inline constexpr size_t kMaxJsonDepth = 64;

// Scans `text`, which must be exactly one JSON object (whitespace around it allowed), and returns
// its members in text order. Rejects duplicate member names: readers disagree on which of two
// "data" members counts, so a signed document with one is ambiguous.
[[nodiscard]] Result<std::vector<JsonMember>> scan_json_object(std::string_view text);

// Scans `text`, which must be exactly one JSON array, and returns its elements in order.
[[nodiscard]] Result<std::vector<JsonElement>> scan_json_array(std::string_view text);

// Decodes a string literal exactly as scanned (with its quotes): escapes resolved, \uXXXX to
// UTF-8 (surrogate pairs combined; a lone surrogate is kMalformed).
[[nodiscard]] Result<std::string> decode_json_string(std::string_view raw);

// Parses a number literal that must be a non-negative integer without fraction or exponent and
// fit in 64 bits; kMalformed otherwise.
[[nodiscard]] Result<uint64_t> parse_json_uint(std::string_view raw);

}  // namespace autograph::signing
