// ObdPidTable: J1979 formulas against published examples, table invariants.
//
// Sources of the examples: Wikipedia "OBD-II PIDs" (service 01 formulas);
// CSS Electronics "OBD2 PID table" (response 41 0D 12 = 18 km/h); an ELM327 session published
// at geeksrepos.com/HavardLine/ODB2 (41 0C 0B 30 = 716 rpm) and one at diag.net
// (41 0C 0E 96 on a Subaru EJ25: 933.5 rpm).
#include "autograph/can/obd_pid_table.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <vector>

namespace autograph::can {
namespace {

double decode(uint8_t pid, std::vector<uint8_t> data) {
  const ObdPid* entry = find_obd_pid(pid);
  EXPECT_NE(entry, nullptr) << "PID " << int{pid};
  return entry == nullptr ? -1e300 : entry->decode(data);
}

TEST(ObdPidTable, DecodesPublishedExamples) {
  EXPECT_EQ(decode(0x0D, {0x12}), 18.0);
  EXPECT_EQ(decode(0x0C, {0x0B, 0x30}), 716.0);
  EXPECT_EQ(decode(0x0C, {0x0E, 0x96}), 933.5);
}

TEST(ObdPidTable, AppliesTheJ1979Formulas) {
  EXPECT_EQ(decode(0x04, {0xFF}), 100.0);  // A*100/255
  EXPECT_EQ(decode(0x04, {0x80}), 128.0 * 100.0 / 255.0);
  EXPECT_EQ(decode(0x05, {0x00}), -40.0);
  EXPECT_EQ(decode(0x05, {0x7B}), 83.0);
  EXPECT_EQ(decode(0x0A, {0x64}), 300.0);      // 3A
  EXPECT_EQ(decode(0x0B, {0x65}), 101.0);      // A
  EXPECT_EQ(decode(0x0F, {0x3C}), 20.0);
  EXPECT_EQ(decode(0x10, {0x01, 0x2C}), 3.0);  // (256A+B)/100
  EXPECT_EQ(decode(0x11, {0x33}), 20.0);       // A*100/255
  EXPECT_EQ(decode(0x1F, {0x01, 0x00}), 256.0);
  EXPECT_EQ(decode(0x21, {0x00, 0x2A}), 42.0);
  EXPECT_EQ(decode(0x2F, {0xCC}), 80.0);
  EXPECT_EQ(decode(0x31, {0x12, 0x34}), 4660.0);
  EXPECT_EQ(decode(0x33, {0x62}), 98.0);
  EXPECT_EQ(decode(0x42, {0x36, 0x0B}), 13.835);  // (256A+B)/1000
  EXPECT_EQ(decode(0x46, {0x28}), 0.0);
  EXPECT_EQ(decode(0x5B, {0x99}), 60.0);
  EXPECT_EQ(decode(0x5C, {0x82}), 90.0);
  EXPECT_EQ(decode(0x5E, {0x00, 0x64}), 5.0);                  // (256A+B)/20
  EXPECT_EQ(decode(0xA6, {0x00, 0x01, 0xE2, 0x40}), 12345.6);  // hectometres
}

TEST(ObdPidTable, HoldsThePidsTelemetryDevicesUse) {
  for (const uint8_t pid : {0x04, 0x05, 0x0C, 0x0D, 0x0F, 0x10, 0x11, 0x1F, 0x21, 0x2F, 0x31, 0x42,
                            0x46, 0x5B, 0x5E, 0xA6}) {
    EXPECT_NE(find_obd_pid(pid), nullptr) << "PID " << pid;
  }
  EXPECT_EQ(find_obd_pid(0x0D)->vss_path, "Vehicle.Speed");
  EXPECT_EQ(find_obd_pid(0x0D)->unit, "km/h");
  EXPECT_EQ(find_obd_pid(0x0C)->vss_path, "Vehicle.Powertrain.CombustionEngine.Speed");
  EXPECT_EQ(find_obd_pid(0x0C)->unit, "rpm");
  EXPECT_EQ(find_obd_pid(0xA6)->vss_path, "Vehicle.TraveledDistance");
  EXPECT_EQ(find_obd_pid(0xA6)->unit, "km");
  EXPECT_EQ(find_obd_pid(0x00), nullptr);
  EXPECT_EQ(find_obd_pid(0x0E), nullptr);
  EXPECT_EQ(find_obd_pid(0xFF), nullptr);
}

TEST(ObdPidTable, RangesAreWhatTheFormulasReachAndPathsAreUnique) {
  std::set<std::string_view> paths;
  for (const ObdPid& entry : obd_pids()) {
    SCOPED_TRACE(entry.name);
    const std::vector<uint8_t> zeros(entry.size, 0x00);
    const std::vector<uint8_t> ones(entry.size, 0xFF);
    EXPECT_EQ(entry.decode(zeros), entry.min);
    EXPECT_EQ(entry.decode(ones), entry.max);
    EXPECT_EQ(obd_pid_response_size(entry.pid), entry.size);
    EXPECT_TRUE(paths.insert(entry.vss_path).second);
    EXPECT_TRUE(entry.vss_path.starts_with("Vehicle."));
  }
}

TEST(ObdPidTable, KnowsTheSizesOfBitmapsAndStatusPids) {
  for (unsigned pid = 0; pid <= 0xE0; pid += 0x20) {
    EXPECT_EQ(obd_pid_response_size(static_cast<uint8_t>(pid)), 4);
  }
  EXPECT_EQ(obd_pid_response_size(0x01), 4);
  EXPECT_EQ(obd_pid_response_size(0x03), 2);
  EXPECT_EQ(obd_pid_response_size(0x0E), 0);
}

TEST(ObdPidTableDeathTest, AbortsOnDataOfTheWrongLength) {
  const std::array<uint8_t, 1> one = {0};
  EXPECT_DEATH((void)find_obd_pid(0x0C)->decode(one), "wrong length");
}

}  // namespace
}  // namespace autograph::can
