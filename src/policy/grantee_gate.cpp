#include "policy/grantee_gate.hpp"

#include <cmath>
#include <utility>

#include "autograph/check.hpp"
#include "policy/geo.hpp"

namespace autograph::policy {
namespace {

// every_ms: a sample this much older than the last one passed means the system clock was stepped
// back (NTP on a board without RTC); anything less is out-of-order arrival across buses.
constexpr uint64_t kClockStepNs = 10'000'000'000;  // 10 s

}  // namespace

GranteeGate::GranteeGate(std::string name, Batching batch, size_t signal_count)
    : name_(std::move(name)), batch_(batch), rules_(signal_count) {}

bool GranteeGate::receives(uint32_t signal_id) const noexcept {
  AG_CHECK(signal_id < rules_.size(), "signal id outside the vehicle's signal table");
  return rules_[signal_id].kind != Kind::kWithheld;
}

std::optional<double> GranteeGate::offer(uint32_t signal_id, uint64_t t_ns, double value) noexcept {
  AG_CHECK(signal_id < rules_.size(), "signal id outside the vehicle's signal table");
  Rule& rule = rules_[signal_id];
  if (rule.coordinate != Coordinate::kNone) {
    const std::optional<double> located = locate(rule.coordinate, value);
    if (!located || rule.kind == Kind::kWithheld) {
      return std::nullopt;
    }
    value = *located;
  } else if (rule.kind == Kind::kWithheld) {
    return std::nullopt;
  }
  if (!pass_rate(rule, t_ns, value)) {
    return std::nullopt;
  }
  return value;
}

// Records the coordinate and judges the held position: nullopt when it must be withheld, else
// the coordinate after rounding.
std::optional<double> GranteeGate::locate(Coordinate coordinate, double value) noexcept {
  Location& where = location_;
  if (coordinate == Coordinate::kLatitude) {
    where.lat = value;
    where.have_lat = true;
  } else {
    where.lon = value;
    where.have_lon = true;
  }
  if (!where.private_rules) {
    return value;
  }
  if (!where.have_lat || !where.have_lon || std::isnan(where.lat) || std::isnan(where.lon)) {
    return std::nullopt;
  }
  for (const Blackout& circle : where.blackouts) {
    if (haversine_m(where.lat, where.lon, circle.lat, circle.lon) <= circle.radius_m) {
      return std::nullopt;
    }
  }
  if (where.precision_m <= 0) {
    return value;
  }
  const double lat = round_latitude(where.lat, where.precision_m);
  return coordinate == Coordinate::kLatitude ? lat
                                             : round_longitude(where.lon, lat, where.precision_m);
}

bool GranteeGate::pass_rate(Rule& rule, uint64_t t_ns, double value) noexcept {
  if (rule.kind == Kind::kEvery) {
    // Samples of one signal mapped on two buses arrive out of time order (the reactor reads a
    // batch per bus, and under load one bus's batch may span several windows), so a value older
    // than the last one passed is withheld too. Only a jump back by more than kClockStepNs (the
    // system clock was stepped back) restarts the window.
    const bool withheld = t_ns >= rule.last_t_ns ? t_ns - rule.last_t_ns < rule.interval_ns
                                                 : rule.last_t_ns - t_ns <= kClockStepNs;
    if (rule.has_last && withheld) {
      return false;
    }
    rule.last_t_ns = t_ns;
  } else {
    if (rule.has_last) {
      const bool was_nan = std::isnan(rule.last_value);
      const bool changed = std::isnan(value) || was_nan
                               ? std::isnan(value) != was_nan
                               : std::fabs(value - rule.last_value) > rule.deadband;
      if (!changed) {
        return false;
      }
    }
    rule.last_value = value;
  }
  rule.has_last = true;
  return true;
}

}  // namespace autograph::policy
