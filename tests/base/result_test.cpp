#include <gtest/gtest.h>

#include "autograph/check.hpp"
#include "autograph/result.hpp"

namespace autograph {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) {
    return fail(ErrorCode::kMalformed, "value {} is not positive", value);
  }
  return value;
}

TEST(Result, CarriesTheValueOnSuccess) {
  auto result = parse_positive(3);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, 3);
}

TEST(Result, CarriesCodeAndFormattedMessageOnFailure) {
  auto result = parse_positive(-2);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(result.error().message(), "value -2 is not positive");
}

TEST(Error, WithContextPrefixesTheMessageAndKeepsTheCode) {
  Error error(ErrorCode::kUnavailable, "connection refused");
  Error wrapped = error.with_context("broker 127.0.0.1:8883");
  EXPECT_EQ(wrapped.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(wrapped.message(), "broker 127.0.0.1:8883: connection refused");
}

TEST(Error, FormatsWithItsCodeName) {
  EXPECT_EQ(fmt::format("{}", Error(ErrorCode::kDataLoss, "segment 3 torn")),
            "segment 3 torn (data loss)");
  EXPECT_EQ(to_string(ErrorCode::kFailedPrecondition), "failed precondition");
  EXPECT_EQ(to_string(ErrorCode::kInternal), "internal");
}

TEST(CheckDeathTest, AbortsWithConditionAndPlace) {
  int length = 9;
  EXPECT_DEATH(AG_CHECK(length <= 8, "frame too long"),
               "result_test.cpp:[0-9]+: check failed: length <= 8: frame too long");
}

}  // namespace
}  // namespace autograph
