// RFC 3339 timestamps in UTC ("2026-11-26T20:15:00Z", optional fraction of a second), the form
// the policy's `issued` and `expires` take.
//
// Thread: pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace autograph::policy {

// Milliseconds since the Unix epoch for `text` "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (years
// 1970..9999; digits of the fraction past milliseconds are dropped). nullopt when `text` is not
// of that form or names no real date or time (2026-02-29, 24:00:00, 23:59:60).
std::optional<int64_t> parse_rfc3339_utc_ms(std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" (with ".mmm" when the milliseconds are not zero) for `unix_ms` >= 0.
std::string format_rfc3339_utc(int64_t unix_ms);

}  // namespace autograph::policy
