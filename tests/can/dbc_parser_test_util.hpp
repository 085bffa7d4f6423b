// Helpers for the DBC parser tests: parse inline DBC text and get the database or the error.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "autograph/can/dbc_parser.hpp"

namespace autograph::can::testing {

// The database parsed from `text` (source "t.dbc"); fails the test on an error.
inline Database parse_ok(std::string_view text, const DbcParseOptions& options = {}) {
  Result<Database> database = parse_dbc(text, "t.dbc", options);
  EXPECT_TRUE(database.has_value()) << database.error().message();
  return database.has_value() ? std::move(*database) : Database{};
}

// The error message from parsing `text` (source "t.dbc"); fails the test when it parses.
inline std::string parse_error(std::string_view text) {
  Result<Database> database = parse_dbc(text, "t.dbc");
  EXPECT_FALSE(database.has_value()) << "parsed without error";
  if (database.has_value()) {
    return "";
  }
  EXPECT_EQ(database.error().code(), ErrorCode::kMalformed);
  return database.error().message();
}

// The signal `name` of `message`; fails the test when there is none.
inline const Signal& signal_named(const Message& message, std::string_view name) {
  for (const Signal& signal : message.signals) {
    if (signal.name == name) {
      return signal;
    }
  }
  ADD_FAILURE() << "no signal " << name << " in " << message.name;
  static const Signal kNone;
  return kNone;
}

}  // namespace autograph::can::testing
