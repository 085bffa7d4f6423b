// Decoding of scanned JSON string and integer literals (declared in json_scanner.hpp).
#include <cstdint>
#include <string>
#include <string_view>

#include "autograph/signing/hex.hpp"
#include "autograph/signing/json_scanner.hpp"

namespace autograph::signing {
namespace {

void append_utf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3f)));
  }
}

// Reads the 4 hex digits after "\u" at raw[i] (i points at the backslash); -1 if not there.
int64_t read_u_escape(std::string_view raw, size_t i) {
  if (i + 6 > raw.size() || raw[i] != '\\' || raw[i + 1] != 'u') {
    return -1;
  }
  int64_t value = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const int digit = hex_digit_value(raw[k]);
    if (digit < 0) {
      return -1;
    }
    value = value * 16 + digit;
  }
  return value;
}

}  // namespace

Result<std::string> decode_json_string(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') {
    return fail(ErrorCode::kMalformed, "not a JSON string literal");
  }
  const std::string_view body = raw.substr(1, raw.size() - 2);
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    if (body[i] != '\\') {
      if (static_cast<unsigned char>(body[i]) < 0x20 || body[i] == '"') {
        return fail(ErrorCode::kMalformed, "string has an unescaped '\"' or control character");
      }
      out.push_back(body[i++]);
      continue;
    }
    if (i + 1 >= body.size()) {
      return fail(ErrorCode::kMalformed, "string ends inside an escape");
    }
    const char escaped = body[i + 1];
    static constexpr std::string_view kFrom = "\"\\/bfnrt";
    static constexpr std::string_view kTo = "\"\\/\b\f\n\r\t";
    if (const size_t k = kFrom.find(escaped); k != std::string_view::npos) {
      out.push_back(kTo[k]);
      i += 2;
      continue;
    }
    int64_t unit = read_u_escape(body, i);
    if (unit < 0) {
      return fail(ErrorCode::kMalformed, "invalid escape in string");
    }
    i += 6;
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return fail(ErrorCode::kMalformed, "string has a lone low surrogate");
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const int64_t low = read_u_escape(body, i);
      if (low < 0xdc00 || low > 0xdfff) {
        return fail(ErrorCode::kMalformed, "string has a lone high surrogate");
      }
      unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      i += 6;
    }
    append_utf8(out, static_cast<uint32_t>(unit));
  }
  return out;
}

Result<uint64_t> parse_json_uint(std::string_view raw) {
  if (raw.empty() || raw.size() > 20 || (raw.size() > 1 && raw[0] == '0')) {
    return fail(ErrorCode::kMalformed, "'{}' is not a non-negative integer", raw.substr(0, 32));
  }
  uint64_t value = 0;
  for (char c : raw) {
    if (c < '0' || c > '9') {
      return fail(ErrorCode::kMalformed, "'{}' is not a non-negative integer", raw.substr(0, 32));
    }
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return fail(ErrorCode::kMalformed, "'{}' does not fit in 64 bits", raw);
    }
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace autograph::signing
