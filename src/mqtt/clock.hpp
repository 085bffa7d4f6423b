// Clock: where the session reads the time, so tests can drive keep-alive and back-off timers.
#pragma once

#include <chrono>

namespace autograph::mqtt {

class Clock {
 public:
  virtual ~Clock() = default;
  // A monotonic time; only differences are meaningful.
  virtual std::chrono::steady_clock::time_point now() const = 0;
};

// The real monotonic clock.
class SteadyClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace autograph::mqtt
