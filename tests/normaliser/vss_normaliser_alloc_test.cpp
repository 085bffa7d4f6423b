// Proves normalising allocates nothing: global operator new/delete count (this binary only), and
// decoding + normalising whole real captures must leave the count unchanged.
#include <gtest/gtest.h>

#include "support/allocation_counter.hpp"

#include <vector>

#include "autograph/can/decoder.hpp"
#include "normaliser/vehicle_profile_testing.hpp"
#include "normaliser/vss_normaliser.hpp"

namespace autograph::normaliser {
namespace {

void expect_no_allocation(const VehicleProfile& profile) {
  const std::vector<can::Database> buses = load_profile_databases(profile);
  auto mapping = VssMapping::load(profile.mapping, buses, profile_bus_names(profile));
  ASSERT_TRUE(mapping.has_value()) << mapping.error().message();
  auto decoder = can::Decoder::compile(buses);
  ASSERT_TRUE(decoder.has_value()) << decoder.error().message();
  VssNormaliser normaliser = VssNormaliser::compile(*mapping, decoder->signals());
  const std::vector<can::CanFrame> frames = load_profile_frames(profile);
  ASSERT_GT(frames.size(), 1000u);
  std::vector<can::Sample> samples(decoder->max_samples_per_frame());
  std::vector<VssSample> out(samples.size());
  size_t produced = 0;
  size_t single = 0;
  const size_t before = ::autograph::testing::allocation_count();
  for (const can::CanFrame& frame : frames) {
    const size_t n = decoder->decode(frame, samples);
    produced += normaliser.normalise(std::span(samples.data(), n), out);
    for (size_t i = 0; i < n; ++i) {
      single += normaliser.normalise(samples[i]).has_value() ? 1 : 0;
    }
  }
  const size_t after = ::autograph::testing::allocation_count();
  EXPECT_GT(produced, 1000u);
  EXPECT_EQ(single, produced);
  EXPECT_EQ(after - before, 0u) << "allocations while normalising " << frames.size() << " frames";
}

TEST(VssNormaliserAlloc, CountingAllocatorSeesAllocations) {
  // A direct call of the global operator new: an optimiser may elide a new-expression's.
  const size_t before = ::autograph::testing::allocation_count();
  void* block = ::operator new(100);
  ::operator delete(block);
  EXPECT_EQ(::autograph::testing::allocation_count() - before,
            1u);  // the counter works, so 0 below means 0
}

TEST(VssNormaliserAlloc, NormalisingTheKonaCaptureAllocatesNothing) {
  expect_no_allocation(kona_profile());
}

TEST(VssNormaliserAlloc, NormalisingTheRav4CaptureAllocatesNothing) {
  expect_no_allocation(rav4_profile());
}

}  // namespace
}  // namespace autograph::normaliser
