// Test helpers for the normaliser: a small two-bus DBC and mapping files built around it.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "autograph/can/dbc_parser.hpp"
#include "normaliser/vss_mapping.hpp"

namespace autograph::normaliser {

// Bus can0: SPEED (0x0B4) with a km/h speed, a signed temperature and a 4-bit gear lever;
// EXT (extended 0x18FEF100) with a pedal in 0.4 % steps. Bus can1: the same SPEED message.
inline constexpr std::string_view kTestDbc = R"(VERSION ""
BO_ 180 SPEED: 8 XXX
 SG_ SPEED : 7|16@0+ (0.01,0) [0|250] "kph" XXX
 SG_ TEMP : 16|8@1- (1,0) [-128|127] "degC" XXX
 SG_ GEAR : 24|4@1+ (1,0) [0|15] "" XXX
 SG_ HALF : 28|4@1+ (0.5,0) [0|7.5] "" XXX

BO_ 2566844672 EXT: 8 XXX
 SG_ PEDAL : 0|8@1+ (0.4,0) [0|100] "%" XXX
)";

inline std::vector<can::Database> test_databases() {
  std::vector<can::Database> buses;
  for (int i = 0; i < 2; ++i) {
    auto db = can::parse_dbc(kTestDbc, "test.dbc");
    EXPECT_TRUE(db.has_value()) << db.error().message();
    buses.push_back(db ? std::move(*db) : can::Database{});
  }
  return buses;
}

inline const std::vector<std::string>& test_bus_names() {
  static const std::vector<std::string> names = {"can0", "can1"};
  return names;
}

// A mapping document with `entries` (JSON objects, comma-separated) as its signals.
inline std::string mapping_with(std::string_view entries) {
  return std::string(R"({"vss_version": "6.0", "signals": [)") + std::string(entries) + "]}";
}

inline Result<VssMapping> parse_test_mapping(std::string_view text) {
  static const std::vector<can::Database> buses = test_databases();
  return VssMapping::parse(text, "m.json", buses, test_bus_names());
}

}  // namespace autograph::normaliser
