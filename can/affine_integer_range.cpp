#include "affine_integer_range.hpp"

#include "autograph/check.hpp"

namespace autograph::can {
namespace {

// A 128-bit two's complement integer: hi:lo.
struct Wide {
  uint64_t hi = 0;
  uint64_t lo = 0;
};

constexpr uint64_t kLow32 = 0xFFFF'FFFFu;

Wide multiply(uint64_t x, uint64_t y) {
  const uint64_t p00 = (x & kLow32) * (y & kLow32);
  const uint64_t p01 = (x & kLow32) * (y >> 32);
  const uint64_t p10 = (x >> 32) * (y & kLow32);
  const uint64_t p11 = (x >> 32) * (y >> 32);
  const uint64_t middle = (p00 >> 32) + (p01 & kLow32) + (p10 & kLow32);
  return {p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32), (p00 & kLow32) | (middle << 32)};
}

Wide negate(Wide w) {
  const uint64_t lo = ~w.lo + 1;
  return {~w.hi + (lo == 0 ? 1u : 0u), lo};
}

Wide add(Wide a, Wide b) {
  const uint64_t lo = a.lo + b.lo;
  return {a.hi + b.hi + (lo < a.lo ? 1u : 0u), lo};
}

Wide from_signed(int64_t v) { return {v < 0 ? ~uint64_t{0} : 0, static_cast<uint64_t>(v)}; }

uint64_t magnitude(int64_t v) {
  return v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
}

// (-1)^negative * raw_magnitude * factor + offset, exactly.
Wide affine(bool negative, uint64_t raw_magnitude, int64_t factor, int64_t offset) {
  Wide product = multiply(raw_magnitude, magnitude(factor));
  if (negative != (factor < 0)) {
    product = negate(product);
  }
  return add(product, from_signed(offset));
}

bool fits_int64(Wide w) { return w.hi == ((w.lo >> 63) != 0 ? ~uint64_t{0} : 0); }
bool fits_uint64(Wide w) { return w.hi == 0; }

}  // namespace

IntegerFit affine_integer_fit(bool raw_signed, unsigned length, int64_t factor, int64_t offset) {
  AG_CHECK(length >= 1 && length <= 64, "raw length out of 1..64");
  // The ends of the raw range; the map is monotone, so the ends decide for the whole range.
  const uint64_t top = length == 64 ? ~uint64_t{0} : (uint64_t{1} << length) - 1;
  const uint64_t half = uint64_t{1} << (length - 1);
  const Wide low =
      raw_signed ? affine(true, half, factor, offset) : affine(false, 0, factor, offset);
  const Wide high =
      raw_signed ? affine(false, half - 1, factor, offset) : affine(false, top, factor, offset);
  return {fits_int64(low) && fits_int64(high), fits_uint64(low) && fits_uint64(high)};
}

}  // namespace autograph::can
