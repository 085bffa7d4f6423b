// PolicyGate: a verified policy compiled against the signals one vehicle provides.
//
// The vehicle's signals come as a table of VSS paths (index = signal id, as in Sample::signal).
// Each grantee's rules are resolved once here (the first rule of the grantee whose pattern
// matches a path wins), so the per-sample work is an array look-up in GranteeGate::offer().
// needed_signals() is the set the decoder and the kernel filters should let through: what any
// grantee may get, plus the partner coordinate a location rule needs to be judged. A text
// signal (is_vss_text_path: its value is the index of a text) passes on_change at every change
// of text, whatever the rule's deadband.
//
// A new policy is compiled into a new PolicyGate and swapped in between samples; the old gate's
// state (windows, last values) is not carried over.
//
// Thread: built on any thread; then owned by the reactor thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "autograph/result.hpp"
#include "policy/grantee_gate.hpp"
#include "policy/policy.hpp"

namespace autograph::policy {

class PolicyGate {
 public:
  // Compiles `policy` for the signals `vss_paths` (at most 2^32 - 1; each a VSS path, no two the
  // same). Returns kMalformed naming the path when a path repeats. A rule that matches none of
  // the vehicle's signals is not an error: one policy may serve vehicles that differ.
  [[nodiscard]] static Result<PolicyGate> compile(const Policy& policy,
                                                  std::span<const std::string> vss_paths);

  size_t grantee_count() const noexcept { return grantees_.size(); }
  // Grantee `index` (< grantee_count(), else aborts), in the policy's order.
  GranteeGate& grantee(size_t index) noexcept;
  const GranteeGate& grantee(size_t index) const noexcept;

  // Shorthand for grantee(grantee_index).offer(signal_id, t_ns, value).
  std::optional<double> offer(size_t grantee_index, uint32_t signal_id, uint64_t t_ns,
                              double value) noexcept {
    return grantee(grantee_index).offer(signal_id, t_ns, value);
  }

  // Signal ids some grantee needs, ascending.
  std::span<const uint32_t> needed_signals() const noexcept { return needed_; }
  // True when `signal_id` (< the vehicle's signal count, else aborts) is needed.
  bool is_needed(uint32_t signal_id) const noexcept;

 private:
  PolicyGate() = default;

  // One grantee's rules by signal id; marks in `needed` the signals it needs.
  static GranteeGate compile_grantee(const Grantee& grantee, std::span<const std::string> vss_paths,
                                     std::optional<uint32_t> lat_id, std::optional<uint32_t> lon_id,
                                     std::vector<bool>& needed);

  std::vector<GranteeGate> grantees_;
  std::vector<uint32_t> needed_;
  std::vector<bool> needed_mask_;
};

}  // namespace autograph::policy
