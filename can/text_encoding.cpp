#include "text_encoding.hpp"

#include <array>
#include <cstdint>

namespace autograph::can {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Code points of Windows-1252 bytes 0x80..0x9F; the rest of the code page equals Latin-1.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

bool is_continuation(uint8_t byte) noexcept { return (byte & 0xC0) == 0x80; }

}  // namespace

bool is_valid_utf8(std::string_view bytes) noexcept {
  size_t i = 0;
  const size_t size = bytes.size();
  while (i < size) {
    const auto lead = static_cast<uint8_t>(bytes[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t extra = 0;
    uint8_t low = 0x80;   // bounds of the first continuation byte, which exclude overlong
    uint8_t high = 0xBF;  // forms, surrogates and code points above U+10FFFF
    if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      low = lead == 0xE0 ? 0xA0 : 0x80;
      high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      low = lead == 0xF0 ? 0x90 : 0x80;
      high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (size - i <= extra) {
      return false;
    }
    const auto first = static_cast<uint8_t>(bytes[i + 1]);
    if (first < low || first > high) {
      return false;
    }
    for (size_t k = 2; k <= extra; ++k) {
      if (!is_continuation(static_cast<uint8_t>(bytes[i + k]))) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

std::string cp1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char c : bytes) {
    const auto byte = static_cast<uint8_t>(c);
    if (byte < 0x80) {
      out.push_back(c);
    } else if (byte < 0xA0) {
      append_utf8(out, kCp1252High[byte - 0x80u]);
    } else {
      append_utf8(out, byte);
    }
  }
  return out;
}

std::string_view dbc_text_as_utf8(std::string_view bytes, std::string& storage) {
  if (bytes.starts_with(kUtf8Bom)) {
    bytes.remove_prefix(kUtf8Bom.size());
  }
  if (is_valid_utf8(bytes)) {
    return bytes;
  }
  storage = cp1252_to_utf8(bytes);
  return storage;
}

}  // namespace autograph::can
