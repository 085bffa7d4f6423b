// The one libsecp256k1 context of the process (private to signing/).
#pragma once

#include <secp256k1.h>

namespace autograph::signing::detail {

// Returns a context created and randomised (blinding against side channels) on first use.
// libsecp256k1 allows concurrent use of a const context from any thread. Aborts if creation fails,
// which only happens when memory is exhausted.
const secp256k1_context* secp256k1_ctx();

}  // namespace autograph::signing::detail
