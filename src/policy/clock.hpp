// Clock: where the policy verifier learns the time, so tests can set it.
//
// Thread: implementations are safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace autograph::policy {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, milliseconds since the Unix epoch (UTC).
  virtual int64_t now_unix_ms() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  int64_t now_unix_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace autograph::policy
