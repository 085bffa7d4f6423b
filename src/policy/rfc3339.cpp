#include "policy/rfc3339.hpp"

#include <fmt/format.h>

namespace autograph::policy {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year, month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool is_leap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int64_t days_in_month(int64_t year, int64_t month) {
  static constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Reads `count` decimal digits at `pos`; nullopt if any is not a digit.
std::optional<int64_t> digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) {
    return std::nullopt;
  }
  int64_t value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<int64_t> parse_rfc3339_utc_ms(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SS" is 19 characters; separators at fixed places.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || *year < 1970 || *month < 1 ||
      *month > 12 || *day < 1 || *day > days_in_month(*year, *month) || *hour > 23 ||
      *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  int64_t millis = 0;
  const size_t end = text.size() - 1;  // the 'Z'
  if (end > 19) {
    if (text[19] != '.' || end == 20) {
      return std::nullopt;
    }
    int64_t scale = 100;
    for (size_t i = 20; i < end; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      millis += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  const int64_t days = days_from_civil(*year, *month, *day);
  return ((days * 24 + *hour) * 60 + *minute) * 60000 + *second * 1000 + millis;
}

std::string format_rfc3339_utc(int64_t unix_ms) {
  const int64_t days = unix_ms / 86400000;
  const int64_t in_day = unix_ms % 86400000;
  const Civil date = civil_from_days(days);
  const int64_t seconds = in_day / 1000;
  const int64_t millis = in_day % 1000;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", date.year, date.month,
                                date.day, seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (millis != 0) {
    out += fmt::format(".{:03}", millis);
  }
  out += 'Z';
  return out;
}

}  // namespace autograph::policy
