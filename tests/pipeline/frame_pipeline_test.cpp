#include "pipeline/frame_pipeline.hpp"

#include <gtest/gtest.h>

#include <utility>

#include <map>
#include <string>
#include <vector>

#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "kona_pipeline.hpp"
#include "pipeline/reactor.hpp"
#include "pipeline_test_support.hpp"

namespace autograph::pipeline {
namespace {

using testing::kona_replayer;
using testing::load_kona;
using testing::test_key;

struct Received {
  std::map<std::string, std::vector<std::string>> data_by_stream;
  signing::ChainVerifier chain;
};

Received drain(BoundedQueue<OutgoingBatch>& queue, const signing::Address& device) {
  Received received;
  OutgoingBatch out;
  while (queue.try_pop(out)) {
    Result<signing::VerifiedEnvelope> envelope =
        signing::verify_envelope(out.batch.envelope, device);
    EXPECT_TRUE(envelope.has_value()) << envelope.error().message();
    EXPECT_EQ(envelope->stream, out.stream);
    EXPECT_EQ(out.cursor.next_seq, envelope->seq + 1);
    received.data_by_stream[out.stream].push_back(envelope->data);
    received.chain.add(*envelope);
  }
  return received;
}

TEST(FramePipeline, ReplaysTheKonaCaptureIntoVerifiedChainsPerGrantee) {
  const signing::SecretKey key = test_key();
  testing::KonaVehicle kona = load_kona();
  BoundedQueue<OutgoingBatch> queue(4096);
  FramePipeline pipeline(std::move(kona.decoder), std::move(kona.normaliser), key, "boot1", queue);
  testing::apply(pipeline, testing::two_grantee_policy());
  std::vector<std::unique_ptr<FrameSource>> sources;
  sources.push_back(kona_replayer(CaptureReplayer::kMaxSpeed));
  ReactorOptions options;
  options.stop_when_sources_end = true;
  Result<Reactor> reactor = Reactor::create(pipeline, std::move(sources), options);
  ASSERT_TRUE(reactor.has_value()) << reactor.error().message();
  ASSERT_TRUE(reactor->run().has_value());

  EXPECT_EQ(pipeline.counters().frames, reactor->sources()[0]->counters().frames);
  EXPECT_GT(pipeline.counters().frames, 30000u);
  EXPECT_GT(pipeline.counters().vss_samples, 0u);
  EXPECT_EQ(pipeline.counters().batches_lost, 0u);
  for (size_t i = 0; i < pipeline.stream_count(); ++i) {
    EXPECT_TRUE(pipeline.stream(i).empty()) << "the end of the replay closes open batches";
  }
  Received received = drain(queue, signing::address_of(key));
  EXPECT_TRUE(received.chain.findings().empty());
  ASSERT_GT(received.data_by_stream["insurer"].size(), 1u);
  ASSERT_GT(received.data_by_stream["fleet"].size(), 1u);
  for (const std::string& data : received.data_by_stream["insurer"]) {
    // Only the speed, and a batch spans less than its 2 s interval.
    EXPECT_NE(data.find("\"signals\":{\"Vehicle.Speed\":[[0,"), std::string::npos) << data;
    EXPECT_EQ(data.find("Vehicle.Chassis"), std::string::npos) << data;
    const size_t from = data.find("\"from\":");
    const size_t to = data.find("\"to\":");
    const int64_t span = std::stoll(data.substr(to + 5)) - std::stoll(data.substr(from + 7));
    EXPECT_LT(span, 2000) << data;
    EXPECT_NE(data.find("\"policy\":\"0x42"), std::string::npos);
  }
}

// One grantee whose batches close by size (5 samples); a queue of one with no consumer.
TEST(FramePipeline, CountsBatchesLostToAFullQueueInTheNextBatch) {
  const signing::SecretKey key = test_key();
  testing::KonaVehicle kona = load_kona();
  BoundedQueue<OutgoingBatch> queue(1);
  FramePipeline pipeline(std::move(kona.decoder), std::move(kona.normaliser), key, "boot1", queue);
  policy::Policy p;
  p.grantees.push_back(testing::grantee("fleet", {testing::every("Vehicle.*", 1)}, 3600, 5));
  testing::apply(pipeline, p);

  std::unique_ptr<CaptureReplayer> replayer = kona_replayer(CaptureReplayer::kMaxSpeed);
  can::CanFrame frame;
  auto step_until = [&](auto done) {
    while (!done() && !replayer->finished()) {
      ASSERT_TRUE(replayer->read_batch(std::span<can::CanFrame>(&frame, 1)).has_value());
      pipeline.process(std::span<const can::CanFrame>(&frame, 1));
    }
  };
  step_until([&] { return pipeline.counters().batches_lost == 3; });
  ASSERT_EQ(pipeline.counters().batches_lost, 3u);
  EXPECT_EQ(queue.overflow_count(), 3u);
  OutgoingBatch first;
  ASSERT_TRUE(queue.try_pop(first));
  EXPECT_NE(first.batch.envelope.find("\"queue\":0"), std::string::npos);
  step_until([&] { return pipeline.counters().batches == 2; });
  OutgoingBatch second;
  ASSERT_TRUE(queue.try_pop(second));
  EXPECT_EQ(second.batch.seq, 4u) << "seqs 1..3 were lost: a visible gap";
  EXPECT_NE(second.batch.envelope.find("\"dropped\":{\"kernel\":0,\"queue\":15,\"spool\":0}"),
            std::string::npos)
      << second.batch.envelope;
}

// Evictions from the storage thread's spools are asked for before each batch closes and
// reported in every stream's next batch.
TEST(FramePipeline, ReportsSpoolDropsFromItsSourceInTheNextBatch) {
  const signing::SecretKey key = test_key();
  testing::KonaVehicle kona = load_kona();
  BoundedQueue<OutgoingBatch> queue(16);
  FramePipeline pipeline(std::move(kona.decoder), std::move(kona.normaliser), key, "boot1", queue);
  policy::Policy p;
  p.grantees.push_back(testing::grantee("fleet", {testing::every("Vehicle.*", 1)}, 3600, 5));
  testing::apply(pipeline, p);
  uint64_t evicted = 7;
  pipeline.set_spool_drop_source([&evicted] { return std::exchange(evicted, 0); });

  std::unique_ptr<CaptureReplayer> replayer = kona_replayer(CaptureReplayer::kMaxSpeed);
  can::CanFrame frame;
  while (pipeline.counters().batches < 2 && !replayer->finished()) {
    ASSERT_TRUE(replayer->read_batch(std::span<can::CanFrame>(&frame, 1)).has_value());
    pipeline.process(std::span<const can::CanFrame>(&frame, 1));
  }
  OutgoingBatch first;
  OutgoingBatch second;
  ASSERT_TRUE(queue.try_pop(first));
  ASSERT_TRUE(queue.try_pop(second));
  EXPECT_NE(first.batch.envelope.find("\"dropped\":{\"kernel\":0,\"queue\":0,\"spool\":7}"),
            std::string::npos)
      << first.batch.envelope;
  EXPECT_NE(second.batch.envelope.find("\"spool\":0}"), std::string::npos)
      << "reported once: " << second.batch.envelope;
}

}  // namespace
}  // namespace autograph::pipeline
