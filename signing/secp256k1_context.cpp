#include "signing/secp256k1_context.hpp"

#include <string.h>

#include <array>
#include <cstdint>

#include "autograph/check.hpp"
#include "autograph/signing/random_bytes.hpp"

namespace autograph::signing::detail {

const secp256k1_context* secp256k1_ctx() {
  static const secp256k1_context* const context = [] {
    secp256k1_context* created = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    AG_CHECK(created != nullptr, "secp256k1_context_create failed");
    // Randomisation only blinds; without entropy the context is still correct, so a failed
    // getrandom leaves it unblinded rather than stopping the device.
    std::array<uint8_t, 32> seed{};
    if (fill_random(seed)) {
      const int randomized = secp256k1_context_randomize(created, seed.data());
      AG_CHECK(randomized == 1, "secp256k1_context_randomize failed");
    }
    explicit_bzero(seed.data(), seed.size());
    return created;
  }();
  return context;
}

}  // namespace autograph::signing::detail
