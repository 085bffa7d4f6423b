#include "policy/vss_pattern.hpp"

#include <gtest/gtest.h>

namespace autograph::policy {
namespace {

TEST(VssPattern, MatchesExactPathsOnly) {
  EXPECT_TRUE(vss_pattern_matches("Vehicle.Speed", "Vehicle.Speed"));
  EXPECT_FALSE(vss_pattern_matches("Vehicle.Speed", "Vehicle.SpeedLimit"));
  EXPECT_FALSE(vss_pattern_matches("Vehicle.Speed", "Vehicle"));
  EXPECT_FALSE(vss_pattern_matches("Vehicle.Speed", "Vehicle.Speed.Raw"));
}

TEST(VssPattern, FinalStarMatchesEverythingBelowButNotTheParent) {
  EXPECT_TRUE(vss_pattern_matches("Vehicle.Powertrain.*", "Vehicle.Powertrain.Range"));
  EXPECT_TRUE(vss_pattern_matches("Vehicle.Powertrain.*",
                                  "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current"));
  EXPECT_FALSE(vss_pattern_matches("Vehicle.Powertrain.*", "Vehicle.Powertrain"));
  EXPECT_FALSE(vss_pattern_matches("Vehicle.Powertrain.*", "Vehicle.PowertrainX.Range"));
}

TEST(VssPattern, InnerStarMatchesExactlyOneSegment) {
  EXPECT_TRUE(vss_pattern_matches("Vehicle.*.Speed", "Vehicle.Chassis.Speed"));
  EXPECT_FALSE(vss_pattern_matches("Vehicle.*.Speed", "Vehicle.Speed"));
  EXPECT_FALSE(vss_pattern_matches("Vehicle.*.Speed", "Vehicle.A.B.Speed"));
}

TEST(VssPattern, ExplainsInvalidPatterns) {
  EXPECT_EQ(vss_pattern_problem("Vehicle.Speed"), "");
  EXPECT_EQ(vss_pattern_problem("*"), "");
  EXPECT_NE(vss_pattern_problem(""), "");
  EXPECT_NE(vss_pattern_problem("Vehicle."), "");
  EXPECT_NE(vss_pattern_problem(".Vehicle"), "");
  EXPECT_NE(vss_pattern_problem("Vehicle.Sp*"), "");
  EXPECT_NE(vss_pattern_problem("Vehicle.Spe ed"), "");
  EXPECT_NE(vss_pattern_problem(std::string(257, 'a')), "");
}

}  // namespace
}  // namespace autograph::policy
