// affine_integer_fit() against __int128 arithmetic where the compiler has it (x86-64, arm64);
// the function itself never uses it, so armhf gets the same answers.
#include "can/affine_integer_range.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace autograph::can {
namespace {

TEST(AffineIntegerFit, UnsignedSixtyFourBitIdentityFitsOnlyUnsigned) {
  const IntegerFit fit = affine_integer_fit(false, 64, 1, 0);
  EXPECT_TRUE(fit.fits_unsigned);
  EXPECT_FALSE(fit.fits_signed);
}

TEST(AffineIntegerFit, SignedSixtyFourBitIdentityFitsOnlySigned) {
  const IntegerFit fit = affine_integer_fit(true, 64, 1, 0);
  EXPECT_TRUE(fit.fits_signed);
  EXPECT_FALSE(fit.fits_unsigned);
}

TEST(AffineIntegerFit, OffsetPushingPastTheTopFitsNeither) {
  const IntegerFit fit = affine_integer_fit(false, 64, 1, 1);
  EXPECT_FALSE(fit.fits_unsigned);
  EXPECT_FALSE(fit.fits_signed);
}

TEST(AffineIntegerFit, NegativeFactorOnUnsignedRawFitsSignedOnly) {
  const IntegerFit fit = affine_integer_fit(false, 16, -2, 100);
  EXPECT_TRUE(fit.fits_signed);
  EXPECT_FALSE(fit.fits_unsigned);
}

#if defined(__SIZEOF_INT128__)
__extension__ using Int128 = __int128;

IntegerFit reference(bool raw_signed, unsigned length, int64_t factor, int64_t offset) {
  const Int128 one = 1;
  const Int128 low = raw_signed ? -(one << (length - 1)) : 0;
  const Int128 high = raw_signed ? (one << (length - 1)) - 1 : (one << length) - 1;
  const Int128 a = low * factor + offset;
  const Int128 b = high * factor + offset;
  const Int128 lo = a < b ? a : b;
  const Int128 hi = a < b ? b : a;
  const auto i64_min = static_cast<Int128>(std::numeric_limits<int64_t>::min());
  const auto i64_max = static_cast<Int128>(std::numeric_limits<int64_t>::max());
  const auto u64_max = static_cast<Int128>(std::numeric_limits<uint64_t>::max());
  return {lo >= i64_min && hi <= i64_max, lo >= 0 && hi <= u64_max};
}

TEST(AffineIntegerFit, AgreesWithInt128ArithmeticOnEdgesAndRandomScalings) {
  constexpr int64_t kLimit = (int64_t{1} << 62) - 1;
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 2,
                                 -2,
                                 3,
                                 10,
                                 -10,
                                 1000,
                                 kLimit,
                                 -kLimit,
                                 int64_t{1} << 31,
                                 -(int64_t{1} << 31),
                                 int64_t{1} << 32};
  const unsigned seed = std::random_device{}();
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int64_t> any(-kLimit, kLimit);
  for (int i = 0; i < 40; ++i) {
    const int bits = static_cast<int>(random() % 62);
    values.push_back(any(random) >> bits);
  }
  for (unsigned length = 1; length <= 64; ++length) {
    for (bool raw_signed : {false, true}) {
      for (int64_t factor : values) {
        for (int64_t offset : values) {
          const IntegerFit want = reference(raw_signed, length, factor, offset);
          const IntegerFit got = affine_integer_fit(raw_signed, length, factor, offset);
          ASSERT_EQ(got.fits_signed, want.fits_signed)
              << "seed " << seed << " length " << length << " signed " << raw_signed << " factor "
              << factor << " offset " << offset;
          ASSERT_EQ(got.fits_unsigned, want.fits_unsigned)
              << "seed " << seed << " length " << length << " signed " << raw_signed << " factor "
              << factor << " offset " << offset;
        }
      }
    }
  }
}
#endif

}  // namespace
}  // namespace autograph::can
