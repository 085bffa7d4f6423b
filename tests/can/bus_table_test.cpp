// BusTable: interface names to bus indices.
#include "autograph/can/bus_table.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace autograph::can {
namespace {

TEST(BusTable, AddsNamesInOrderAndFindsThem) {
  BusTable buses;
  EXPECT_EQ(buses.find_or_add("can1"), std::optional<uint16_t>(0));
  EXPECT_EQ(buses.find_or_add("can0"), std::optional<uint16_t>(1));
  EXPECT_EQ(buses.find_or_add("can1"), std::optional<uint16_t>(0));
  EXPECT_EQ(buses.find("can0"), std::optional<uint16_t>(1));
  EXPECT_EQ(buses.find("can2"), std::nullopt);
  EXPECT_EQ(buses.name(1), "can0");
  EXPECT_EQ(buses.size(), 2u);
}

TEST(BusTable, PresetNamesGetTheirPositions) {
  const BusTable buses({"can0", "can1", "vcan0"});
  EXPECT_EQ(buses.find("vcan0"), std::optional<uint16_t>(2));
  EXPECT_EQ(BusTable(buses.names()).names(), buses.names());
}

TEST(BusTable, ValidatesNames) {
  EXPECT_TRUE(BusTable::valid_name("can0"));
  EXPECT_TRUE(BusTable::valid_name("abcdefghijklmno"));
  EXPECT_FALSE(BusTable::valid_name("abcdefghijklmnop"));
  EXPECT_FALSE(BusTable::valid_name(""));
  EXPECT_FALSE(BusTable::valid_name("can 0"));
  EXPECT_FALSE(BusTable::valid_name("can#0"));
  EXPECT_FALSE(BusTable::valid_name("can(0"));
  EXPECT_FALSE(BusTable::valid_name(std::string_view("can\0", 4)));
}

TEST(BusTable, RefusesToGrowPastTheLimit) {
  BusTable buses;
  for (size_t i = 0; i < BusTable::kMaxBuses; ++i) {
    ASSERT_TRUE(buses.find_or_add(fmt::format("b{}", i)).has_value());
  }
  EXPECT_EQ(buses.find_or_add("one-more"), std::nullopt);
  EXPECT_EQ(buses.find_or_add("b7"), std::optional<uint16_t>(7));
  EXPECT_EQ(buses.size(), BusTable::kMaxBuses);
}

TEST(BusTableDeathTest, AbortsOnBadPresetsAndIndices) {
  EXPECT_DEATH(BusTable({"can0", "can0"}), "twice");
  EXPECT_DEATH(BusTable({"can 0"}), "invalid interface name");
  EXPECT_DEATH(BusTable().name(0), "out of range");
  EXPECT_DEATH(BusTable().find_or_add(""), "valid interface name");
}

}  // namespace
}  // namespace autograph::can
