// Helpers for byte-exact codec tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt::testing {

inline std::vector<uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  for (int v : values) {
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

inline std::vector<uint8_t> text_bytes(std::string_view text) { return {text.begin(), text.end()}; }

// Asserts `result` failed as kMalformed with a message containing each of `parts`.
template <typename T>
void expect_malformed(const Result<T>& result, std::initializer_list<std::string_view> parts) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kMalformed);
  for (std::string_view part : parts) {
    EXPECT_NE(result.error().message().find(part), std::string::npos)
        << "message '" << result.error().message() << "' lacks '" << part << "'";
  }
}

}  // namespace autograph::mqtt::testing
