// Counts heap allocations in a test binary, to prove that a hot path allocates nothing.
//
// Linking allocation_counter.cpp into a test binary replaces the global operator new/delete of
// that whole binary with counting versions (malloc/free underneath). Compare the count before
// and after the code under test; also check once that the counter sees an allocation, so that 0
// means 0.
#pragma once

#include <cstddef>

namespace autograph::testing {

// Calls of any global operator new so far in this process.
size_t allocation_count() noexcept;

}  // namespace autograph::testing
