// Text encodings of DBC files: UTF-8, or Windows-1252 from older Vector tools.
//
// Private to can/. Pure functions over byte strings; any thread.
#pragma once

#include <string>
#include <string_view>

namespace autograph::can {

// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view bytes) noexcept;

// Converts Windows-1252 bytes to UTF-8. The five bytes that code page leaves undefined (0x81,
// 0x8D, 0x8F, 0x90, 0x9D) become the C1 controls of the same number, as browsers decode them,
// so every input converts.
std::string cp1252_to_utf8(std::string_view bytes);

// The text of a DBC file as UTF-8: `bytes` without a leading UTF-8 byte order mark when it is
// valid UTF-8, else `bytes` converted from Windows-1252. `storage` receives the converted text
// when a conversion is needed; the result points into `bytes` or into `storage`.
std::string_view dbc_text_as_utf8(std::string_view bytes, std::string& storage);

}  // namespace autograph::can
