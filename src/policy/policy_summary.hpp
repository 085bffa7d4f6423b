// describe_policy: a policy in plain words, for `autograph policy check`, so an owner can read
// what they are about to sign or apply: who gets which signals, how often, with which privacy
// transforms, until when.
//
// Thread: pure function; any thread.
#pragma once

#include <string>

#include "policy/policy.hpp"

namespace autograph::policy {

// Several lines of English ending in "\n". Rules are listed in the order they are matched.
std::string describe_policy(const Policy& policy);

}  // namespace autograph::policy
