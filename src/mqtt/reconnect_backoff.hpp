// ReconnectBackoff: how long to wait before the next connection attempt.
//
// Exponential: the base delay starts at `initial` and doubles per failed attempt up to `max`;
// the delay returned is drawn uniformly from [base/2, base] ("equal jitter"), so that a fleet of
// devices that lost the same broker doesn't come back in lock-step, while no device retries
// sooner than half the base.
//
// Thread: owned and used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace autograph::mqtt {

struct BackoffOptions {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{60'000};
};

class ReconnectBackoff {
 public:
  // `seed` makes the jitter reproducible in tests. AG_CHECKs 0 < initial <= max.
  ReconnectBackoff(BackoffOptions options, uint64_t seed);

  // The delay before the next attempt; each call counts one more failed attempt.
  std::chrono::milliseconds next();

  // A connection succeeded: the next failure starts again from `initial`.
  void reset() noexcept { attempt_ = 0; }

 private:
  BackoffOptions options_;
  std::mt19937_64 random_;
  uint32_t attempt_ = 0;
};

}  // namespace autograph::mqtt
