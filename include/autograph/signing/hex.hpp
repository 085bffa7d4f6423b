// Hexadecimal text for bytes, as Ethereum tools print them ("0x" + lowercase pairs).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "autograph/result.hpp"

namespace autograph::signing {

// Returns two lowercase hex digits per byte, without a prefix ("" for no bytes).
std::string to_hex(std::span<const uint8_t> bytes);

// Returns "0x" followed by to_hex(bytes).
std::string to_0x_hex(std::span<const uint8_t> bytes);

// Returns 0..15 for a hex digit of either case, -1 for anything else.
int hex_digit_value(char c) noexcept;

// Decodes exactly 2 * out.size() hex digits (either case, no prefix) into `out`.
// Errors (kMalformed) name `what` and the offending character offset; on error `out` is zeroed so
// no partial secret remains in it.
[[nodiscard]] Result<void> decode_hex(std::string_view hex, std::span<uint8_t> out,
                                      std::string_view what);

}  // namespace autograph::signing
