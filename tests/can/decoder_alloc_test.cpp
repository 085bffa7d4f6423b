// Proves the hot path allocates nothing: global operator new/delete are replaced with counting
// versions (this binary only), and decoding whole real captures must leave the count unchanged.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "autograph/can/decoder.hpp"
#include "can/decoder_capture_testing.hpp"

namespace {
std::atomic<size_t> g_allocations{0};

// Out of line: once inlined into a delete expression, gcc would flag free() on memory from
// `new` (-Wmismatched-new-delete), not seeing that this operator new is malloc.
[[gnu::noinline]] void release(void* p) noexcept { std::free(p); }
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }

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
  const size_t before = g_allocations.load();
  const size_t values = decode_all(*decoder, frames, out);
  const size_t after = g_allocations.load();
  EXPECT_GT(values, frames.size());
  EXPECT_EQ(after - before, 0u) << "allocations while decoding " << frames.size() << " frames";
}

TEST(DecoderAlloc, CountingAllocatorSeesAllocations) {
  const size_t before = g_allocations.load();
  auto* vector = new std::vector<int>(100);
  delete vector;
  EXPECT_GE(g_allocations.load() - before, 2u);  // the counter works, so 0 below means 0
}

TEST(DecoderAlloc, DecodingTheKonaCaptureAllocatesNothing) { expect_no_allocation(kona_case()); }

TEST(DecoderAlloc, DecodingTheRav4CaptureAllocatesNothing) { expect_no_allocation(rav4_case()); }

}  // namespace
}  // namespace autograph::can
