// Sample: one decoded signal value with its time, as the decoder hands it to later stages.
//
// DESIGN.md describes the value as a `double`. Real DBCs have 64-bit integer signals (the Ford
// capture has counters up to 13911690202346455040, far beyond 2^53), and the reference decoder
// (cantools) gives them as exact integers. A double would silently round them, so the value is a
// small tagged union instead: the decoder writes `kind` from the signal table, and integer
// signals keep every bit. The tag sits in what would otherwise be padding, so Sample stays
// 24 bytes, the size of the design's struct.
#pragma once

#include <cstdint>

namespace autograph::can {

enum class SampleKind : uint8_t {
  kFloat,     // value.f64: raw * factor + offset in binary64, or an IEEE float signal
  kSigned,    // value.i64: an exact integer that may be negative
  kUnsigned,  // value.u64: an exact non-negative integer (up to 2^64 - 1)
};

union SampleValue {
  double f64;
  int64_t i64;
  uint64_t u64;
};

struct Sample {
  uint32_t signal = 0;  // index into the decoder's signal table
  SampleKind kind = SampleKind::kFloat;
  uint64_t t_ns = 0;  // the frame's receive time, nanoseconds
  SampleValue value{.f64 = 0.0};

  // The value as a double; integers beyond 2^53 are rounded to the nearest double.
  double as_double() const noexcept {
    switch (kind) {
      case SampleKind::kSigned:
        return static_cast<double>(value.i64);
      case SampleKind::kUnsigned:
        return static_cast<double>(value.u64);
      case SampleKind::kFloat:
        break;
    }
    return value.f64;
  }
};

static_assert(sizeof(Sample) <= 24, "Sample must stay 24 bytes: the decoder writes one per value");

}  // namespace autograph::can
