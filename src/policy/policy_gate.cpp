#include "policy/policy_gate.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "autograph/check.hpp"
#include "autograph/vss_text_signals.hpp"
#include "policy/vss_pattern.hpp"

namespace autograph::policy {

GranteeGate& PolicyGate::grantee(size_t index) noexcept {
  AG_CHECK(index < grantees_.size(), "grantee index out of range");
  return grantees_[index];
}

const GranteeGate& PolicyGate::grantee(size_t index) const noexcept {
  AG_CHECK(index < grantees_.size(), "grantee index out of range");
  return grantees_[index];
}

bool PolicyGate::is_needed(uint32_t signal_id) const noexcept {
  AG_CHECK(signal_id < needed_mask_.size(), "signal id outside the vehicle's signal table");
  return needed_mask_[signal_id];
}

GranteeGate PolicyGate::compile_grantee(const Grantee& grantee,
                                        std::span<const std::string> vss_paths,
                                        std::optional<uint32_t> lat_id,
                                        std::optional<uint32_t> lon_id, std::vector<bool>& needed) {
  GranteeGate compiled(grantee.name, grantee.batch, vss_paths.size());
  bool gets_location = false;
  for (uint32_t id = 0; id < vss_paths.size(); ++id) {
    const auto rule = std::find_if(grantee.signals.begin(), grantee.signals.end(),
                                   [&](const SignalRule& candidate) {
                                     return vss_pattern_matches(candidate.path, vss_paths[id]);
                                   });
    GranteeGate::Rule& out = compiled.rules_[id];
    const bool is_lat = lat_id && id == *lat_id;
    const bool is_lon = lon_id && id == *lon_id;
    out.coordinate = is_lat   ? GranteeGate::Coordinate::kLatitude
                     : is_lon ? GranteeGate::Coordinate::kLongitude
                              : GranteeGate::Coordinate::kNone;
    if (rule == grantee.signals.end()) {
      continue;
    }
    out.kind =
        rule->kind == RateKind::kEvery ? GranteeGate::Kind::kEvery : GranteeGate::Kind::kOnChange;
    out.interval_ns = static_cast<uint64_t>(rule->every_ms) * 1'000'000u;
    // A text signal's value is the index of its text: any change of text is a change.
    out.deadband = is_vss_text_path(vss_paths[id]) ? 0 : rule->deadband;
    needed[id] = true;
    if (is_lat || is_lon) {
      gets_location = true;
      GranteeGate::Location& location = compiled.location_;
      location.precision_m = std::max(location.precision_m, rule->precision_m.value_or(0));
      location.blackouts.insert(location.blackouts.end(), rule->blackouts.begin(),
                                rule->blackouts.end());
      location.private_rules = location.precision_m > 0 || !location.blackouts.empty();
    }
  }
  if (gets_location) {
    // The partner coordinate must reach the gate for the position to be judged.
    for (const auto& partner : {lat_id, lon_id}) {
      if (partner) {
        needed[*partner] = true;
      }
    }
  }
  return compiled;
}

Result<PolicyGate> PolicyGate::compile(const Policy& policy,
                                       std::span<const std::string> vss_paths) {
  AG_CHECK(vss_paths.size() < std::numeric_limits<uint32_t>::max(), "signal table too large");
  std::unordered_map<std::string_view, uint32_t> ids;
  for (uint32_t id = 0; id < vss_paths.size(); ++id) {
    if (!ids.emplace(vss_paths[id], id).second) {
      return fail(ErrorCode::kMalformed, "vehicle signal table: \"{}\" appears twice (ids {}, {})",
                  vss_paths[id], ids[vss_paths[id]], id);
    }
  }
  const auto find = [&](std::string_view path) {
    const auto it = ids.find(path);
    return it == ids.end() ? std::optional<uint32_t>() : it->second;
  };
  const std::optional<uint32_t> lat_id = find(kLatitudePath);
  const std::optional<uint32_t> lon_id = find(kLongitudePath);

  PolicyGate gate;
  gate.needed_mask_.assign(vss_paths.size(), false);
  for (const Grantee& grantee : policy.grantees) {
    gate.grantees_.push_back(
        compile_grantee(grantee, vss_paths, lat_id, lon_id, gate.needed_mask_));
  }
  for (uint32_t id = 0; id < vss_paths.size(); ++id) {
    if (gate.needed_mask_[id]) {
      gate.needed_.push_back(id);
    }
  }
  return gate;
}

}  // namespace autograph::policy
