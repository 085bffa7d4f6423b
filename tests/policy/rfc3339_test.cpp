#include "policy/rfc3339.hpp"

#include <gtest/gtest.h>

namespace autograph::policy {
namespace {

TEST(Rfc3339, ParsesKnownInstants) {
  EXPECT_EQ(parse_rfc3339_utc_ms("1970-01-01T00:00:00Z"), 0);
  // date -u -d 2026-11-26T20:15:00Z +%s -> 1795724100
  EXPECT_EQ(parse_rfc3339_utc_ms("2026-11-26T20:15:00Z"), 1795724100000);
  EXPECT_EQ(parse_rfc3339_utc_ms("2024-02-29T23:59:59.123456Z"), 1709251199123);
  EXPECT_EQ(parse_rfc3339_utc_ms("2000-03-01T00:00:00.5Z"), 951868800500);
}

TEST(Rfc3339, RejectsWhatIsNotAUtcTimestamp) {
  for (const char* text :
       {"", "2026-11-26", "2026-11-26T20:15:00", "2026-11-26T20:15:00+00:00",
        "2026-11-26 20:15:00Z", "2026-11-26t20:15:00Z", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-26T24:00:00Z",
        "2026-11-26T23:60:00Z", "2026-11-26T23:59:60Z", "1969-12-31T23:59:59Z",
        "2026-11-26T20:15:00.Z", "2026-11-26T20:15:00.1xZ", "2026-1a-26T20:15:00Z"}) {
    EXPECT_FALSE(parse_rfc3339_utc_ms(text).has_value()) << text;
  }
}

TEST(Rfc3339, FormatsWhatItParses) {
  EXPECT_EQ(format_rfc3339_utc(1795724100000), "2026-11-26T20:15:00Z");
  EXPECT_EQ(format_rfc3339_utc(1709251199123), "2024-02-29T23:59:59.123Z");
  for (int64_t ms : {int64_t{0}, int64_t{951868800500}, int64_t{253402300799000}}) {
    EXPECT_EQ(parse_rfc3339_utc_ms(format_rfc3339_utc(ms)), ms);
  }
}

}  // namespace
}  // namespace autograph::policy
