#include "pipeline/storage_worker.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "kona_pipeline.hpp"
#include "pipeline/reactor.hpp"
#include "pipeline/stream_cursor_file.hpp"
#include "pipeline_test_support.hpp"

namespace autograph::pipeline {
namespace {

// One replay of the Kona capture at max speed, stored by a running worker; the streams start
// from the cursors in the state directory, as the daemon does.
void replay_once(const signing::SecretKey& key, const StorageOptions& options,
                 const std::string& boot) {
  // Max speed makes batches far faster than a car would: room for them all.
  BoundedQueue<OutgoingBatch> queue(1024);
  Result<std::unique_ptr<StorageWorker>> worker = StorageWorker::create(queue, options);
  ASSERT_TRUE(worker.has_value()) << worker.error().message();
  testing::KonaVehicle kona = testing::load_kona();
  FramePipeline pipeline(std::move(kona.decoder), std::move(kona.normaliser), key, boot, queue);
  pipeline.set_notify_fd((*worker)->notify_fd());
  const policy::Policy policy = testing::two_grantee_policy();
  Result<policy::PolicyGate> gate =
      policy::PolicyGate::compile(policy, pipeline.normaliser().vss_paths());
  ASSERT_TRUE(gate.has_value());
  std::vector<signing::StreamCursor> cursors;
  for (const policy::Grantee& grantee : policy.grantees) {
    Result<signing::StreamCursor> cursor =
        StreamCursorFile((*worker)->cursor_path(grantee.name)).load();
    ASSERT_TRUE(cursor.has_value()) << cursor.error().message();
    cursors.push_back(*cursor);
  }
  pipeline.apply_policy(std::move(*gate), signing::Hash256{}, cursors);
  (*worker)->start();
  std::vector<std::unique_ptr<FrameSource>> sources;
  sources.push_back(testing::kona_replayer(CaptureReplayer::kMaxSpeed));
  ReactorOptions reactor_options;
  reactor_options.stop_when_sources_end = true;
  Result<Reactor> reactor = Reactor::create(pipeline, std::move(sources), reactor_options);
  ASSERT_TRUE(reactor.has_value());
  ASSERT_TRUE(reactor->run().has_value());
  ASSERT_TRUE((*worker)->stop().has_value());
  EXPECT_EQ(pipeline.counters().batches_lost, 0u);
  EXPECT_EQ((*worker)->stored(), pipeline.counters().batches);
  EXPECT_EQ((*worker)->spool_drops(), 0u);
}

// Every record of a stream's spool, verified, into `chain`; returns how many.
size_t read_spool(const std::filesystem::path& dir, const signing::Address& device,
                  signing::ChainVerifier& chain) {
  Result<spool::Spool> spool = spool::Spool::open({.dir = dir});
  EXPECT_TRUE(spool.has_value()) << spool.error().message();
  size_t count = 0;
  uint64_t after = 0;
  while (true) {
    Result<std::optional<spool::SpoolRecord>> record = spool->next_pending(after);
    EXPECT_TRUE(record.has_value());
    if (!record || !*record) {
      break;
    }
    after = (*record)->id;
    const std::string text((*record)->bytes.begin(), (*record)->bytes.end());
    Result<signing::VerifiedEnvelope> envelope = signing::verify_envelope(text, device);
    EXPECT_TRUE(envelope.has_value()) << envelope.error().message();
    chain.add(*envelope);
    ++count;
  }
  return count;
}

TEST(StorageWorker, SpoolsEveryBatchAndARestartContinuesEachChain) {
  testing::ScratchDir dir("ag-storage-worker");
  const signing::SecretKey key = testing::test_key();
  StorageOptions options;
  options.spool_dir = dir.path() / "spool";
  options.state_dir = dir.path() / "state";
  options.fsync = spool::FsyncPolicy::kGroup;
  replay_once(key, options, "first");
  Result<signing::StreamCursor> after_first =
      StreamCursorFile(options.state_dir / "streams" / "fleet.cursor").load();
  ASSERT_TRUE(after_first.has_value());
  ASSERT_GT(after_first->next_seq, 1u);
  replay_once(key, options, "second");

  for (const std::string stream : {"insurer", "fleet"}) {
    signing::ChainVerifier chain;
    const size_t records = read_spool(options.spool_dir / stream, signing::address_of(key), chain);
    Result<signing::StreamCursor> cursor =
        StreamCursorFile(options.state_dir / "streams" / (stream + ".cursor")).load();
    ASSERT_TRUE(cursor.has_value());
    EXPECT_EQ(records, cursor->next_seq) << stream << ": seq 0 .. next_seq - 1, all spooled";
    EXPECT_EQ(chain.batch_count(), records);
    for (const signing::ChainFinding& finding : chain.findings()) {
      ADD_FAILURE() << stream << ": " << finding.message;
    }
  }
}

// A spool too small for what is stored evicts the oldest batches; the worker counts them for
// the log and hands them once to the reactor for the next batches' `dropped.spool`.
TEST(StorageWorker, CountsSpoolEvictionsAndHandsThemOverOnce) {
  testing::ScratchDir dir("ag-storage-evict");
  BoundedQueue<OutgoingBatch> queue(64);
  StorageOptions options;
  options.spool_dir = dir.path() / "spool";
  options.state_dir = dir.path() / "state";
  options.spool_max_bytes = 16 * 1024;  // the spool's minimum
  options.fsync = spool::FsyncPolicy::kGroup;
  Result<std::unique_ptr<StorageWorker>> worker = StorageWorker::create(queue, options);
  ASSERT_TRUE(worker.has_value()) << worker.error().message();
  for (uint64_t seq = 0; seq < 40; ++seq) {
    OutgoingBatch batch;
    batch.stream = "fleet";
    batch.batch.envelope = std::string(1000, 'x');  // the spool stores bytes as they are
    batch.batch.seq = seq;
    batch.cursor.next_seq = seq + 1;
    ASSERT_TRUE(queue.try_push(batch));
  }
  ASSERT_TRUE((*worker)->drain().has_value());
  EXPECT_EQ((*worker)->stored(), 40u);
  const uint64_t evicted = (*worker)->spool_drops();
  EXPECT_GT(evicted, 20u) << "40 KB through a 16 KiB spool";
  EXPECT_LT(evicted, 40u) << "the newest batches stay";
  EXPECT_EQ((*worker)->take_unreported_spool_drops(), evicted);
  EXPECT_EQ((*worker)->take_unreported_spool_drops(), 0u);
}

}  // namespace
}  // namespace autograph::pipeline
