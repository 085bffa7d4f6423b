// Cryptographically secure random bytes from the kernel (getrandom(2), blocking until the pool is
// initialised at boot, never a userspace generator).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "autograph/result.hpp"

namespace autograph::signing {

// Fills `out` completely. Returns kUnavailable if the kernel refuses (e.g. ENOSYS in an old
// sandbox); retries EINTR and short reads. Thread-safe.
[[nodiscard]] Result<void> fill_random(std::span<uint8_t> out);

// Returns a new boot id: 32 lowercase hex digits (128 random bits), fit for the envelope `boot`
// field and the CloudEvents `id`.
[[nodiscard]] Result<std::string> generate_boot_id();

}  // namespace autograph::signing
