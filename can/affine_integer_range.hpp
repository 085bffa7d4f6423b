// affine_integer_fit(): whether raw * factor + offset stays inside int64 or uint64 for every raw
// value of an integer signal, decided exactly (the products reach 2^126) without __int128, which
// 32-bit targets (armhf) lack. The decoder compiler uses it to choose exact integer arithmetic.
#pragma once

#include <cstdint>

namespace autograph::can {

struct IntegerFit {
  bool fits_signed = false;    // every value is in [INT64_MIN, INT64_MAX]
  bool fits_unsigned = false;  // every value is in [0, UINT64_MAX]
};

// For a raw value of `length` bits (1..64; two's complement when `raw_signed`), and integral
// `factor` and `offset` with magnitudes below 2^62 (the caller checks both).
IntegerFit affine_integer_fit(bool raw_signed, unsigned length, int64_t factor, int64_t offset);

}  // namespace autograph::can
