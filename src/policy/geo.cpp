#include "policy/geo.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace autograph::policy {
namespace {
constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;
constexpr double kMetresPerDegree = kEarthRadiusM * kRadiansPerDegree;
}  // namespace

double haversine_m(double lat1, double lon1, double lat2, double lon2) noexcept {
  const double phi1 = lat1 * kRadiansPerDegree;
  const double phi2 = lat2 * kRadiansPerDegree;
  const double half_dphi = (lat2 - lat1) * kRadiansPerDegree / 2;
  const double half_dlambda = (lon2 - lon1) * kRadiansPerDegree / 2;
  const double a = std::sin(half_dphi) * std::sin(half_dphi) + std::cos(phi1) * std::cos(phi2) *
                                                                   std::sin(half_dlambda) *
                                                                   std::sin(half_dlambda);
  return 2 * kEarthRadiusM * std::asin(std::sqrt(std::clamp(a, 0.0, 1.0)));
}

double round_latitude(double lat, double precision_m) noexcept {
  const double step = precision_m / kMetresPerDegree;
  return std::clamp(std::round(lat / step) * step, -90.0, 90.0);
}

double round_longitude(double lon, double rounded_lat, double precision_m) noexcept {
  const double metres_per_degree = kMetresPerDegree * std::cos(rounded_lat * kRadiansPerDegree);
  if (metres_per_degree * 360.0 <= precision_m) {
    return 0.0;
  }
  const double step = precision_m / metres_per_degree;
  double rounded = std::round(lon / step) * step;
  if (rounded > 180.0) {
    rounded -= 360.0;
  } else if (rounded < -180.0) {
    rounded += 360.0;
  }
  return rounded;
}

}  // namespace autograph::policy
