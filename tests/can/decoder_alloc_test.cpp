// Proves the hot path allocates nothing: global operator new/delete are replaced with counting
// versions (this binary only), and decoding whole real captures must leave the count unchanged.
#include <gtest/gtest.h>

#include "support/allocation_counter.hpp"

#include <vector>

#include "autograph/can/decoder.hpp"
#include "can/decoder_capture_testing.hpp"

namespace autograph::can {
namespace {

size_t decode_all(Decoder& decoder, const std::vector<CanFrame>& frames, std::vector<Sample>& out) {
  size_t values = 0;
  for (const CanFrame& frame : frames) {
    values += decoder.decode(frame, out);
  }
  return values;
}

void expect_no_allocation(const CaptureCase& capture) {
  auto decoder = Decoder::compile(load_databases(capture));
  ASSERT_TRUE(decoder.has_value()) << decoder.error().message();
  const std::vector<CanFrame> frames = load_frames(capture);
  ASSERT_GT(frames.size(), 1000u);
  std::vector<Sample> out(decoder->max_samples_per_frame());
  const size_t before = ::autograph::testing::allocation_count();
  const size_t values = decode_all(*decoder, frames, out);
  const size_t after = ::autograph::testing::allocation_count();
  EXPECT_GT(values, frames.size());
  EXPECT_EQ(after - before, 0u) << "allocations while decoding " << frames.size() << " frames";
}

TEST(DecoderAlloc, CountingAllocatorSeesAllocations) {
  // A direct call of the global operator new: an optimiser may elide the allocation of a
  // new-expression (it did, for a vector's, in the arm64 release build), but not this.
  const size_t before = ::autograph::testing::allocation_count();
  void* block = ::operator new(100);
  ::operator delete(block);
  EXPECT_EQ(::autograph::testing::allocation_count() - before,
            1u);  // the counter works, so 0 below means 0
}

TEST(DecoderAlloc, DecodingTheKonaCaptureAllocatesNothing) { expect_no_allocation(kona_case()); }

TEST(DecoderAlloc, DecodingTheRav4CaptureAllocatesNothing) { expect_no_allocation(rav4_case()); }

}  // namespace
}  // namespace autograph::can
