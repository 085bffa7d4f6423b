#include "autograph/signing/hex.hpp"

#include <algorithm>

namespace autograph::signing {

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (uint8_t byte : bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0x0f]);
  }
  return text;
}

std::string to_0x_hex(std::span<const uint8_t> bytes) { return "0x" + to_hex(bytes); }

int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

Result<void> decode_hex(std::string_view hex, std::span<uint8_t> out, std::string_view what) {
  if (hex.size() != out.size() * 2) {
    std::fill(out.begin(), out.end(), uint8_t{0});
    return fail(ErrorCode::kMalformed, "{}: expected {} hex digits, got {} characters", what,
                out.size() * 2, hex.size());
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const int high = hex_digit_value(hex[2 * i]);
    const int low = hex_digit_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      std::fill(out.begin(), out.end(), uint8_t{0});
      return fail(ErrorCode::kMalformed, "{}: character {} is not a hex digit", what,
                  high < 0 ? 2 * i : 2 * i + 1);
    }
    out[i] = static_cast<uint8_t>((high << 4) | low);
  }
  return {};
}

}  // namespace autograph::signing
