// VSS path patterns as the policy writes them: "Vehicle.Speed", "Vehicle.Powertrain.*".
//
// A path is segments of [A-Za-z0-9_] joined by '.'. In a pattern a segment may be "*": in the
// middle it matches exactly one segment, at the end one or more segments (everything below).
// Partial wildcards ("Spe*") are not patterns.
//
// Thread: pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace autograph::policy {

// Empty when `pattern` is a valid pattern, else why not (for an error message).
std::string vss_pattern_problem(std::string_view pattern);

// True when the valid pattern `pattern` matches the VSS path `path`.
bool vss_pattern_matches(std::string_view pattern, std::string_view path);

}  // namespace autograph::policy
