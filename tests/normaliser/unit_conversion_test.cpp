// The unit table: identities, each conversion against an independent known value, refusals.
#include "normaliser/unit_conversion.hpp"

#include <gtest/gtest.h>

namespace autograph::normaliser {
namespace {

double convert(std::string_view from, std::string_view to, double value) {
  auto conversion = find_conversion(from, to);
  EXPECT_TRUE(conversion.has_value()) << from << " -> " << to;
  return conversion ? value * conversion->scale + conversion->offset : 0.0;
}

TEST(UnitConversion, SameKnownUnitIsIdentity) {
  for (std::string_view unit : {"km/h", "celsius", "percent", "V", "A", "rpm", "degrees", "m"}) {
    auto conversion = find_conversion(unit, unit);
    ASSERT_TRUE(conversion.has_value()) << unit;
    EXPECT_EQ(conversion->scale, 1.0);
    EXPECT_EQ(conversion->offset, 0.0);
  }
}

TEST(UnitConversion, ConvertsKnownValues) {
  EXPECT_DOUBLE_EQ(convert("km/h", "m/s", 36.0), 10.0);
  EXPECT_DOUBLE_EQ(convert("m/s", "km/h", 10.0), 36.0);
  EXPECT_DOUBLE_EQ(convert("mph", "km/h", 60.0), 96.56064);
  EXPECT_DOUBLE_EQ(convert("mph", "m/s", 100.0), 44.704);
  EXPECT_DOUBLE_EQ(convert("fahrenheit", "celsius", 212.0), 100.0);
  EXPECT_NEAR(convert("fahrenheit", "celsius", 32.0), 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(convert("fahrenheit", "celsius", -40.0), -40.0);
  EXPECT_DOUBLE_EQ(convert("bar", "kPa", 2.5), 250.0);
  EXPECT_DOUBLE_EQ(convert("psi", "kPa", 32.0), 220.63223338138755);
  EXPECT_DOUBLE_EQ(convert("g", "m/s^2", 1.0), 9.80665);
  EXPECT_DOUBLE_EQ(convert("rad", "degrees", 3.141592653589793), 180.0);
  EXPECT_DOUBLE_EQ(convert("rad/s", "degrees/s", 1.0), 57.29577951308232);
  EXPECT_DOUBLE_EQ(convert("km", "m", 1.5), 1500.0);
  EXPECT_DOUBLE_EQ(convert("m", "km", 1500.0), 1.5);
  EXPECT_DOUBLE_EQ(convert("mi", "km", 15589.0), 25088.063616);
  EXPECT_DOUBLE_EQ(convert("mV", "V", 12600.0), 12.6);
  EXPECT_DOUBLE_EQ(convert("ratio", "percent", 0.25), 25.0);
  EXPECT_DOUBLE_EQ(convert("kW", "W", 1.5), 1500.0);
}

TEST(UnitConversion, RefusesUnknownUnitsAndPairs) {
  EXPECT_FALSE(find_conversion("kph", "km/h").has_value());  // a DBC spelling, not VSS's
  EXPECT_FALSE(find_conversion("km/h", "kph").has_value());
  EXPECT_FALSE(find_conversion("celsius", "km/h").has_value());  // both known, no relation
  EXPECT_FALSE(find_conversion("rad/s", "km/h").has_value());    // needs a tyre radius
  EXPECT_FALSE(find_conversion("", "").has_value());
  EXPECT_TRUE(is_known_unit("degrees/s"));
  EXPECT_FALSE(is_known_unit("deg/s"));
}

}  // namespace
}  // namespace autograph::normaliser
