#include "policy/geo.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace autograph::policy {
namespace {

TEST(Geo, HaversineMatchesKnownDistances) {
  // One degree of latitude on the mean sphere: 2 * pi * R / 360.
  EXPECT_NEAR(haversine_m(0, 0, 1, 0), 111195.08, 0.01);
  EXPECT_NEAR(haversine_m(0, 0, 0, 1), 111195.08, 0.01);
  // Munich Marienplatz to Berlin Brandenburger Tor, about 504 km.
  EXPECT_NEAR(haversine_m(48.13743, 11.57549, 52.51628, 13.37770), 504'200, 1'000);
  EXPECT_EQ(haversine_m(48.0, 11.0, 48.0, 11.0), 0.0);
  // Antipodes: half the circumference.
  EXPECT_NEAR(haversine_m(0, 0, 0, 180), M_PI * kEarthRadiusM, 1e-3);
}

TEST(Geo, RoundsLatitudeToMultiplesOfTheGrid) {
  const double step = 1000 / (kEarthRadiusM * M_PI / 180);
  const double rounded = round_latitude(48.137, 1000);
  EXPECT_NEAR(std::remainder(rounded, step), 0, 1e-9);
  EXPECT_LE(std::fabs(rounded - 48.137), step / 2 + 1e-12);
  for (double precision : {1.0, 777.0, 77'000.0, 1'000'000.0}) {
    for (double lat : {-90.0, -89.99, 0.0, 89.99, 90.0}) {
      const double r = round_latitude(lat, precision);
      EXPECT_LE(std::fabs(r), 90.0) << lat << " " << precision;
      EXPECT_LE(std::fabs(r - lat), precision / (kEarthRadiusM * M_PI / 180) / 2 + 1e-9);
    }
  }
}

TEST(Geo, RoundsLongitudeToMetresAlongTheParallel) {
  const double lat = 60.0;  // a degree of longitude is half as long as at the equator
  const double rounded = round_longitude(10.01, lat, 1000);
  const double step = 1000 / (kEarthRadiusM * M_PI / 180 * 0.5);
  EXPECT_NEAR(std::remainder(rounded, step), 0, 1e-9);
  EXPECT_LE(haversine_m(lat, rounded, lat, 10.01), 500 + 1);
  EXPECT_EQ(round_longitude(123.0, 90.0, 1000), 0.0);  // at the pole one cell is everything
  EXPECT_LE(round_longitude(179.99, 0, 100000), 180.0);
  EXPECT_GE(round_longitude(-179.99, 0, 100000), -180.0);
}

}  // namespace
}  // namespace autograph::policy
