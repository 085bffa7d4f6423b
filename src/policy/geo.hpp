// Geometry for the policy's location privacy: great-circle distance and grid rounding.
//
// The Earth is a sphere of the mean radius (6,371,008.8 m); the error against the ellipsoid is
// below 0.5 %, far below what a privacy radius or grid is chosen with.
//
// Thread: pure functions; any thread.
#pragma once

namespace autograph::policy {

inline constexpr double kEarthRadiusM = 6'371'008.8;

// Great-circle (haversine) distance in metres between two points given in degrees.
double haversine_m(double lat1, double lon1, double lat2, double lon2) noexcept;

// Latitude rounded to the nearest multiple of `precision_m` metres along a meridian, in degrees
// (clamped to -90..90).
double round_latitude(double lat, double precision_m) noexcept;

// Longitude rounded to a grid of `precision_m` metres along the parallel of `rounded_lat`. Pass
// the already rounded latitude: a grid that depended on the exact latitude would leak it. When
// one cell spans the whole parallel (near the poles) the result is 0. Result in -180..180.
double round_longitude(double lon, double rounded_lat, double precision_m) noexcept;

}  // namespace autograph::policy
