#include "mqtt/reconnect_backoff.hpp"

#include <algorithm>

#include "autograph/check.hpp"

namespace autograph::mqtt {

ReconnectBackoff::ReconnectBackoff(BackoffOptions options, uint64_t seed)
    : options_(options), random_(seed) {
  AG_CHECK(options.initial.count() > 0 && options.initial <= options.max,
           "back-off needs 0 < initial <= max");
}

std::chrono::milliseconds ReconnectBackoff::next() {
  // Doubling stops once the cap is reached, so the shift never overflows.
  int64_t base = options_.initial.count();
  for (uint32_t i = 0; i < attempt_ && base < options_.max.count(); ++i) {
    base *= 2;
  }
  base = std::min(base, options_.max.count());
  ++attempt_;
  std::uniform_int_distribution<int64_t> jitter(base / 2, base);
  return std::chrono::milliseconds(jitter(random_));
}

}  // namespace autograph::mqtt
