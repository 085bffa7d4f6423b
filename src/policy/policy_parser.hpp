// parse_policy: the owner's policy document (docs/policy.md) from its exact bytes.
//
// Strict by design: syntax errors give line:column, and unknown keys, duplicate keys, wrong
// types, missing required keys and out-of-range values are errors naming the JSON path
// ("grantees[1].signals[0].evry_ms: unknown key"). A typo must never silently widen or narrow
// what is shared. Nothing here checks signatures, the device or the time: PolicyVerifier does.
//
// Thread: pure function; any thread.
#pragma once

#include <string_view>

#include "autograph/result.hpp"
#include "policy/policy.hpp"

namespace autograph::policy {

// Largest policy document accepted, in bytes.
inline constexpr size_t kMaxPolicyBytes = size_t{256} * 1024;

// Parses and validates `text`. `source` names the document in errors ("policy.json").
// Returns the policy, or kMalformed with "<source>: <path>: <problem>" or
// "<source>:<line>:<column>: <syntax problem>". Never throws, never crashes on any bytes.
[[nodiscard]] Result<Policy> parse_policy(std::string_view text, std::string_view source);

}  // namespace autograph::policy
