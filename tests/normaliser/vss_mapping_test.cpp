// The mapping file: what it accepts, and an error naming file, entry and key for everything else.
#include "normaliser/vss_mapping.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "autograph/can/can_frame.hpp"
#include "normaliser/normaliser_testing.hpp"

namespace autograph::normaliser {
namespace {

constexpr std::string_view kSpeedEntry =
    R"({"bus": "can0", "message": "SPEED", "signal": "SPEED", "vss": "Vehicle.Speed",
        "unit": "km/h", "from_unit": "km/h"})";

// Expects a kMalformed error whose message contains every one of `parts`.
void expect_error(std::string_view text, std::initializer_list<std::string_view> parts) {
  auto mapping = parse_test_mapping(text);
  ASSERT_FALSE(mapping.has_value()) << text;
  EXPECT_EQ(mapping.error().code(), ErrorCode::kMalformed);
  for (std::string_view part : parts) {
    EXPECT_NE(mapping.error().message().find(part), std::string::npos)
        << "'" << part << "' not in: " << mapping.error().message();
  }
}

TEST(VssMapping, ResolvesEntriesAndNumbersVssPathsInFileOrder) {
  auto mapping = parse_test_mapping(mapping_with(std::string(kSpeedEntry) + R"(,
    {"bus": "can1", "message": 180, "signal": "SPEED", "vss": "Vehicle.Speed", "unit": "km/h",
     "from_unit": "m/s"},
    {"bus": "can0", "message": "0x18FEF100", "signal": "PEDAL",
     "vss": "Vehicle.Chassis.Accelerator.PedalPosition", "unit": "percent", "scale": 2,
     "offset": -1, "comment": "why"},
    {"bus": "can0", "message": "SPEED", "signal": "GEAR",
     "vss": "Vehicle.Powertrain.Transmission.SelectedGear", "map": {"7": -1, "0": 126}})"));
  ASSERT_TRUE(mapping.has_value()) << mapping.error().message();
  EXPECT_EQ(mapping->vss_paths(),
            (std::vector<std::string>{"Vehicle.Speed", "Vehicle.Chassis.Accelerator.PedalPosition",
                                      "Vehicle.Powertrain.Transmission.SelectedGear"}));
  EXPECT_EQ(mapping->vss_units(), (std::vector<std::string>{"km/h", "percent", ""}));
  const auto& e = mapping->entries();
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[1].bus, 1u);
  EXPECT_EQ(e[1].vss_signal, 0u);
  EXPECT_EQ(e[1].scale, 3.6);
  EXPECT_EQ(e[2].message_id, 0x18FEF100u | can::CanFrame::kEffFlag);
  EXPECT_EQ(e[2].message_name, "EXT");
  EXPECT_EQ(e[2].scale, 2.0);
  EXPECT_EQ(e[2].offset, -1.0);
  EXPECT_EQ(e[3].kind, ConversionKind::kMap);
  EXPECT_EQ(e[3].map, (std::vector<std::pair<int64_t, double>>{{0, 126.0}, {7, -1.0}}));
}

TEST(VssMapping, NeededSignalsAreTheSourcesOfTheGivenVssIds) {
  auto mapping = parse_test_mapping(mapping_with(std::string(kSpeedEntry) + R"(,
    {"bus": "can1", "message": "SPEED", "signal": "SPEED", "vss": "Vehicle.Speed", "unit": "km/h",
     "from_unit": "km/h"},
    {"bus": "can0", "message": "SPEED", "signal": "TEMP", "vss": "Vehicle.Exterior.AirTemperature",
     "unit": "celsius", "from_unit": "celsius"})"));
  ASSERT_TRUE(mapping.has_value()) << mapping.error().message();
  const uint32_t speed[] = {0, 99};
  auto keys = mapping->needed_signals(speed);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].bus, 0u);
  EXPECT_EQ(keys[1].bus, 1u);
  EXPECT_EQ(keys[1].message_id, 180u);
  EXPECT_EQ(keys[1].signal, "SPEED");
  const uint32_t temperature[] = {1};
  EXPECT_EQ(mapping->needed_signals(temperature).at(0).signal, "TEMP");
  EXPECT_TRUE(mapping->needed_signals({}).empty());
}

TEST(VssMapping, RejectsUnknownKeysNamingKeyAndEntry) {
  expect_error(R"({"vss_version": "6.0", "signals": [], "sigals": []})",
               {"m.json", "sigals", "unknown key"});
  expect_error(mapping_with(std::string(kSpeedEntry) + R"(,
    {"bus": "can0", "message": "SPEED", "signal": "TEMP", "vss": "Vehicle.X", "unit": "celsius",
     "from_unt": "celsius"})"),
               {"m.json", "signals[1].from_unt", "unknown key"});
}

TEST(VssMapping, RejectsUnknownUnitsAndUnitPairs) {
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "celsius"})"),
               {"m.json", "signals[0].from_unit", "no conversion from \"celsius\" to \"km/h\""});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "kph", "from_unit": "km/h"})"),
               {"signals[0].unit", "\"kph\" is not a known VSS unit"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "from_unit": "km/h"})"),
               {"signals[0]", "\"from_unit\" needs \"unit\""});
}

TEST(VssMapping, RejectsUnknownBusMessageOrSignalNamingThem) {
  expect_error(mapping_with(R"({"bus": "can7", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"m.json", "signals[0].bus", "can7"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"signals[0].message", "SPED", "can0"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "0x7FF", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"signals[0].message", "0x7FF"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "0xZZ", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"signals[0].message", "not a CAN identifier"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEEDY",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"m.json", "signals[0].signal", "SPEEDY", "SPEED (0xB4)", "can0"});
}

TEST(VssMapping, RejectsMissingFieldsAndWrongTypes) {
  expect_error(R"([1, 2])", {"m.json", "must be a JSON object"});
  expect_error(R"({"signals": []})", {"vss_version", "6.0"});
  expect_error(R"({"vss_version": "5.0", "signals": []})", {"vss_version"});
  expect_error(R"({"vss_version": "6.0"})", {"signals", "array"});
  expect_error(mapping_with("3"), {"signals[0]", "must be an object"});
  expect_error(mapping_with(R"({"bus": "can0", "signal": "SPEED", "vss": "Vehicle.Speed",
    "unit": "km/h", "from_unit": "km/h"})"),
               {"signals[0]", "missing key \"message\""});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"signals[0].vss", "not a VSS path"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle..Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"signals[0].vss"});
  expect_error(mapping_with(R"({"bus": 0, "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h"})"),
               {"signals[0].bus", "non-empty string"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "scale": "2"})"),
               {"signals[0].scale", "finite number"});
}

TEST(VssMapping, RequiresExactlyOneConversion) {
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h"})"),
               {"signals[0]", "exactly one of"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h", "scale": 1})"),
               {"signals[0]", "exactly one of"});
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h", "offset": 1})"),
               {"signals[0].offset", "only with \"scale\""});
}

TEST(VssMapping, RejectsBadMaps) {
  const std::string head = R"({"bus": "can0", "message": "SPEED", "signal": "GEAR",
    "vss": "Vehicle.Powertrain.Transmission.SelectedGear", "map": )";
  expect_error(mapping_with(head + "{}}"), {"signals[0].map", "object of 1 to 255"});
  expect_error(mapping_with(head + R"({"P": 126}})"), {"signals[0].map.P", "decimal integer"});
  expect_error(mapping_with(head + R"({"1.5": 126}})"), {"signals[0].map.1.5"});
  expect_error(mapping_with(head + R"({"1": "park"}})"), {"signals[0].map.1", "number or"});
  expect_error(mapping_with(head + R"({"1": 1, "01": 2}})"), {"signals[0].map", "twice"});
}

TEST(VssMapping, AllowsOneSourcePerBusForAVssPath) {
  expect_error(mapping_with(std::string(kSpeedEntry) + R"(,
    {"bus": "can0", "message": "SPEED", "signal": "HALF", "vss": "Vehicle.Speed", "unit": "km/h",
     "from_unit": "km/h"})"),
               {"signals[1].vss", "Vehicle.Speed already has a source on can0 (SPEED.SPEED)"});
  expect_error(mapping_with(std::string(kSpeedEntry) + "," + std::string(kSpeedEntry)),
               {"signals[1]", "SPEED.SPEED on can0 is already mapped"});
  expect_error(mapping_with(std::string(kSpeedEntry) + R"(,
    {"bus": "can1", "message": "SPEED", "signal": "SPEED", "vss": "Vehicle.Speed", "unit": "m/s",
     "from_unit": "km/h"})"),
               {"signals[1].unit", "Vehicle.Speed was given in \"km/h\" before"});
}

TEST(VssMapping, ReportsInvalidJsonWithItsOffset) {
  expect_error(R"({"vss_version": "6.0", "signals": [)", {"m.json", "invalid JSON at byte"});
}

TEST(VssMapping, ReportsNumbersBeyondBinary64AsInvalidJson) {
  // Found by vss_mapping_fuzz: the JSON library reports these as out_of_range, not parse_error.
  expect_error(mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "SPEED",
    "vss": "Vehicle.Speed", "unit": "km/h", "scale": 1E400})"),
               {"m.json", "invalid JSON", "number overflow"});
}

TEST(VssMapping, LoadNamesTheFileItCannotRead) {
  const std::vector<can::Database> buses = test_databases();
  auto missing = VssMapping::load("/nonexistent/mapping.json", buses, test_bus_names());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(missing.error().message().find("/nonexistent/mapping.json"), std::string::npos);

  const auto path = std::filesystem::temp_directory_path() /
                    ("vss_mapping_test_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << mapping_with(R"({"bus": "can0", "message": "SPEED", "signal": "X",
    "vss": "Vehicle.Speed", "unit": "km/h", "from_unit": "km/h"})");
  auto bad = VssMapping::load(path, buses, test_bus_names());
  std::filesystem::remove(path);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find(path.string() + ": signals[0].signal"), std::string::npos)
      << bad.error().message();
}

TEST(VssMapping, LoadRefusesFilesOverOneMebibyte) {
  const std::vector<can::Database> buses = test_databases();
  const auto path = std::filesystem::temp_directory_path() /
                    ("vss_mapping_big_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << std::string((size_t{1} << 20) + 1, ' ');
  auto big = VssMapping::load(path, buses, test_bus_names());
  std::filesystem::remove(path);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(big.error().message().find("larger than 1048576 bytes"), std::string::npos)
      << big.error().message();
}

}  // namespace
}  // namespace autograph::normaliser
