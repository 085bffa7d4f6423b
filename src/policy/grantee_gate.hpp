// GranteeGate: what one grantee may receive of each sample, compiled from its policy rules.
//
// Built only by PolicyGate::compile(). Per signal id (the index into the vehicle's signal table)
// it holds the grantee's rule and the rule's state, so offer() is a table look-up with no
// allocation, lock or logging.
//
// Rates. every_ms: a window opens with the first value that passes and lasts every_ms; later
// values in it are withheld; the first value at or after its end passes and opens the next one.
// So no two values passed are closer than every_ms, also when samples arrive slightly out of
// time order (one signal on two buses, read a batch per bus): a value less than every_ms before
// the last one passed is withheld too. If time goes back by every_ms or more, as when a capture
// is replayed again, the window restarts there. on_change: the first value passes, later ones only
// when |value - last passed| > deadband (a change equal to the deadband is withheld); NaN counts as
// a change to or from a number.
//
// Location (Vehicle.CurrentLocation.Latitude/Longitude). The gate holds the latest latitude and
// longitude it was offered, so each coordinate is judged with its partner: inside a blackout
// circle (haversine distance <= radius, the edge counting as inside) both are withheld;
// otherwise they are rounded to the grid before the rate applies (so on_change sees grid cells).
// Until both coordinates have been seen, a coordinate with privacy rules is withheld. Privacy
// rules written for either coordinate apply to both: the union of blackouts, the coarsest grid.
//
// Thread: a GranteeGate belongs to the reactor thread; no locks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/policy.hpp"

namespace autograph::policy {

class GranteeGate {
 public:
  // Decides one sample of signal `signal_id` (< the vehicle's signal count; anything else aborts)
  // taken at `t_ns` (nanoseconds, one clock for all samples). Returns the value to send, or
  // nullopt to withhold it. Updates the rule's state.
  std::optional<double> offer(uint32_t signal_id, uint64_t t_ns, double value) noexcept;

  // True when the grantee has a rule for `signal_id` (it may receive some of its values).
  bool receives(uint32_t signal_id) const noexcept;

  // The grantee's name (the stream name) and its batching, as in the policy.
  const std::string& name() const noexcept { return name_; }
  const Batching& batch() const noexcept { return batch_; }

 private:
  friend class PolicyGate;

  enum class Coordinate : uint8_t { kNone, kLatitude, kLongitude };
  enum class Kind : uint8_t { kWithheld, kEvery, kOnChange };

  struct Rule {
    Kind kind = Kind::kWithheld;
    Coordinate coordinate = Coordinate::kNone;
    bool has_last = false;
    uint64_t interval_ns = 0;  // kEvery
    double deadband = 0;       // kOnChange
    uint64_t last_t_ns = 0;    // kEvery: start of the current window
    double last_value = 0;     // kOnChange: the last value passed
  };

  // Location privacy, shared by both coordinates.
  struct Location {
    bool private_rules = false;  // any precision or blackout applies
    double precision_m = 0;      // 0: no rounding
    std::vector<Blackout> blackouts;
    bool have_lat = false;
    bool have_lon = false;
    double lat = 0;
    double lon = 0;
  };

  GranteeGate(std::string name, Batching batch, size_t signal_count);

  std::optional<double> locate(Coordinate coordinate, double value) noexcept;
  static bool pass_rate(Rule& rule, uint64_t t_ns, double value) noexcept;

  std::string name_;
  Batching batch_;
  std::vector<Rule> rules_;  // by signal id
  Location location_;
};

}  // namespace autograph::policy
