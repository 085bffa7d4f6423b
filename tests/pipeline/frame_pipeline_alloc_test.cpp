// Proves the per-frame path allocates nothing in steady state: global operator new/delete are
// replaced with counting versions (this binary only). After a warm-up pass has grown the
// streams' column buffers, a second pass over the same real frames, with no batch closing
// during it, must not allocate at all.
#include <gtest/gtest.h>

#include "support/allocation_counter.hpp"

#include <vector>

#include "kona_pipeline.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline_test_support.hpp"

namespace autograph::pipeline {
namespace {

TEST(FramePipelineAlloc, SteadyStateFramesAllocateNothing) {
  const signing::SecretKey key = testing::test_key();
  testing::KonaVehicle kona = testing::load_kona();
  BoundedQueue<OutgoingBatch> queue(16);
  FramePipeline pipeline(std::move(kona.decoder), std::move(kona.normaliser), key, "boot1", queue);
  // Batches far longer than the capture: nothing closes inside a pass.
  policy::Policy p;
  p.grantees.push_back(
      testing::grantee("insurer", {testing::every("Vehicle.Speed", 1000)}, 3600, 1'000'000));
  p.grantees.push_back(
      testing::grantee("fleet", {testing::every("Vehicle.*", 10)}, 3600, 1'000'000));
  testing::apply(pipeline, p);

  std::unique_ptr<CaptureReplayer> replayer = testing::kona_replayer(CaptureReplayer::kMaxSpeed);
  std::vector<can::CanFrame> frames;
  std::vector<can::CanFrame> batch(256);
  while (!replayer->finished()) {
    const size_t n = replayer->read_batch(batch).value();
    frames.insert(frames.end(), batch.begin(), batch.begin() + static_cast<ptrdiff_t>(n));
  }
  ASSERT_GT(frames.size(), 30000u);

  const size_t warm_up_start = ::autograph::testing::allocation_count();
  pipeline.process(frames);  // warm-up: the columns grow to the size of one pass
  EXPECT_GT(::autograph::testing::allocation_count(), warm_up_start)
      << "the counter sees the columns grow";
  pipeline.close_all();
  OutgoingBatch out;
  while (queue.try_pop(out)) {
  }
  const uint64_t samples_before = pipeline.counters().vss_samples;
  const size_t before = ::autograph::testing::allocation_count();
  pipeline.process(frames);
  const size_t after = ::autograph::testing::allocation_count();
  EXPECT_GT(pipeline.counters().vss_samples - samples_before, 1000u);
  EXPECT_EQ(pipeline.counters().batches, 2u) << "only the warm-up's close_all() closed batches";
  EXPECT_EQ(after - before, 0u) << "allocations while processing " << frames.size() << " frames";
}

}  // namespace
}  // namespace autograph::pipeline
