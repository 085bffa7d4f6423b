#include "spool/spool.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "spool_test_util.hpp"

namespace autograph::spool {
namespace {

using testing_util::kKiB;
using testing_util::options_in;
using testing_util::payload_for;
using testing_util::pending_ids;
using testing_util::ScratchDir;
using testing_util::segment_files;

Spool open_ok(const SpoolOptions& options) {
  auto spool = Spool::open(options);
  EXPECT_TRUE(spool.has_value()) << spool.error().message();
  return std::move(*spool);
}

uint64_t append_ok(Spool& spool, uint64_t tag, size_t size) {
  auto id = spool.append(payload_for(tag, size));
  EXPECT_TRUE(id.has_value()) << id.error().message();
  return id.value_or(0);
}

TEST(Spool, AppendsAndDeliversInOrder) {
  ScratchDir dir;
  Spool spool = open_ok(options_in(dir.path()));
  for (uint64_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(append_ok(spool, i, 10 * i), i);
  }
  uint64_t after = 0;
  for (uint64_t i = 1; i <= 5; ++i) {
    auto next = spool.next_pending(after);
    ASSERT_TRUE(next.has_value() && next->has_value());
    EXPECT_EQ((*next)->id, i);
    EXPECT_EQ((*next)->bytes, payload_for(i, 10 * i));
    after = i;
  }
  auto end = spool.next_pending(after);
  ASSERT_TRUE(end.has_value());
  EXPECT_FALSE(end->has_value());
  const SpoolStats stats = spool.stats();
  EXPECT_EQ(stats.pending_records, 5u);
  EXPECT_EQ(stats.pending_bytes, 150u);
  EXPECT_EQ(stats.segments, 1u);
}

TEST(Spool, AcceptsAcknowledgementsOutOfOrder) {
  ScratchDir dir;
  Spool spool = open_ok(options_in(dir.path()));
  for (uint64_t i = 1; i <= 5; ++i) {
    append_ok(spool, i, 100);
  }
  ASSERT_TRUE(spool.ack(3).has_value());
  ASSERT_TRUE(spool.ack(1).has_value());
  EXPECT_EQ(pending_ids(spool), (std::vector<uint64_t>{2, 4, 5}));
  auto next = spool.next_pending(2);
  ASSERT_TRUE(next.has_value() && next->has_value());
  EXPECT_EQ((*next)->id, 4u);
  EXPECT_EQ(spool.stats().pending_records, 3u);
  EXPECT_EQ(spool.stats().pending_bytes, 300u);
}

TEST(Spool, IgnoresUnknownAndRepeatedAcknowledgements) {
  ScratchDir dir;
  Spool spool = open_ok(options_in(dir.path()));
  append_ok(spool, 1, 10);
  append_ok(spool, 2, 10);
  EXPECT_TRUE(spool.ack(0).has_value());
  EXPECT_TRUE(spool.ack(99).has_value());
  EXPECT_TRUE(spool.ack(2).has_value());
  EXPECT_TRUE(spool.ack(2).has_value());
  EXPECT_EQ(pending_ids(spool), std::vector<uint64_t>{1});
  EXPECT_EQ(spool.stats().pending_records, 1u);
}

TEST(Spool, ReopenDeliversExactlyTheUnacknowledged) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  {
    Spool spool = open_ok(options);
    for (uint64_t i = 1; i <= 10; ++i) {
      append_ok(spool, i, 50 + i);
    }
    for (const uint64_t id : {8, 2, 6, 4, 10}) {
      ASSERT_TRUE(spool.ack(id).has_value());
    }
  }
  Spool spool = open_ok(options);
  EXPECT_EQ(pending_ids(spool), (std::vector<uint64_t>{1, 3, 5, 7, 9}));
  auto record = spool.next_pending(6);
  ASSERT_TRUE(record.has_value() && record->has_value());
  EXPECT_EQ((*record)->bytes, payload_for(7, 57));
  EXPECT_EQ(append_ok(spool, 11, 10), 11u);
  EXPECT_EQ(spool.stats().torn_bytes, 0u);
}

TEST(Spool, KeepsIdsIncreasingAfterEverythingWasDelivered) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  {
    Spool spool = open_ok(options);
    for (uint64_t i = 1; i <= 3; ++i) {
      append_ok(spool, i, 10);
      ASSERT_TRUE(spool.ack(i).has_value());
    }
  }
  Spool spool = open_ok(options);
  EXPECT_EQ(spool.stats().pending_records, 0u);
  EXPECT_EQ(append_ok(spool, 4, 10), 4u);
}

TEST(Spool, RotatesSegmentsAndDeletesFullyDeliveredOnes) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.segment_bytes = 4096;
  Spool spool = open_ok(options);
  for (uint64_t i = 1; i <= 20; ++i) {
    append_ok(spool, i, 1000);
  }
  // 1016-byte records after a 24-byte header: a segment closes after its 5th record.
  auto files = segment_files(options.dir);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].filename(), "00000000000000000001.seg");
  EXPECT_EQ(files[1].filename(), "00000000000000000006.seg");
  EXPECT_EQ(spool.stats().segments, 4u);

  for (const uint64_t id : {5, 1, 2, 3, 4, 7}) {
    ASSERT_TRUE(spool.ack(id).has_value());
  }
  files = segment_files(options.dir);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].filename(), "00000000000000000006.seg");
  for (uint64_t id = 6; id <= 20; ++id) {
    ASSERT_TRUE(spool.ack(id).has_value());
  }
  // The segment being appended to stays, so ids survive a restart.
  files = segment_files(options.dir);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "00000000000000000016.seg");
  EXPECT_EQ(spool.stats().pending_records, 0u);
}

TEST(Spool, CompactsTheAckLogSoItStaysSmall) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.segment_bytes = 4096;
  options.fsync = FsyncPolicy::kGroup;  // thousands of acks; compaction syncs regardless
  {
    Spool spool = open_ok(options);
    for (uint64_t i = 1; i <= 5000; ++i) {
      append_ok(spool, i, 100);
      if (i % 1000 != 0) {  // every thousandth stays pending
        ASSERT_TRUE(spool.ack(i).has_value());
      }
      // Live acks are at most the records of the segments still there (36 per segment), and
      // compaction runs once the log holds twice that plus 1024.
      const auto log_bytes = std::filesystem::file_size(options.dir / "acks.log");
      ASSERT_LE(log_bytes, 16 + 12 * (72 * spool.stats().segments + 1024 + 1))
          << "after record " << i;
    }
    ASSERT_TRUE(spool.flush().has_value());
  }
  Spool spool = open_ok(options);
  EXPECT_EQ(pending_ids(spool), (std::vector<uint64_t>{1000, 2000, 3000, 4000, 5000}));
}

// Captures what the spool logs, to check that losses are reported.
class SpoolLog {
 public:
  SpoolLog() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {
    logger_ = spdlog::get("spool");
    if (!logger_) {
      logger_ = std::make_shared<spdlog::logger>("spool");
      spdlog::register_logger(logger_);
    }
    logger_->sinks().push_back(sink_);
  }
  ~SpoolLog() { logger_->sinks().pop_back(); }

  std::vector<std::string> lines() const { return sink_->last_formatted(); }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST(Spool, EvictsTheOldestSegmentsWhenFullAndCountsThem) {
  SpoolLog log;
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.max_bytes = 16 * kKiB;
  options.segment_bytes = 4096;
  Spool spool = open_ok(options);
  for (uint64_t i = 1; i <= 40; ++i) {
    append_ok(spool, i, 1000);
    uint64_t on_disk = 0;
    for (const auto& file : segment_files(options.dir)) {
      on_disk += std::filesystem::file_size(file);
    }
    ASSERT_LE(on_disk, options.max_bytes) << "after record " << i;
  }
  // 16 KiB holds three full segments of five records plus the one being filled.
  const SpoolStats stats = spool.stats();
  const std::vector<uint64_t> pending = pending_ids(spool);
  ASSERT_FALSE(pending.empty());
  EXPECT_EQ(pending.back(), 40u);
  EXPECT_EQ(pending.size(), stats.pending_records);
  for (size_t i = 0; i < pending.size(); ++i) {
    EXPECT_EQ(pending[i], 41 - pending.size() + i) << "the newest records stay, in order";
  }
  EXPECT_EQ(stats.evicted_records, 40 - pending.size());
  EXPECT_EQ(stats.evicted_records, 25u);
  EXPECT_EQ(spool.take_evicted(), 25u);
  EXPECT_EQ(spool.take_evicted(), 0u);
  EXPECT_EQ(spool.stats().evicted_records, 25u);

  const auto lines = log.lines();
  const bool logged = std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("[error]") != std::string::npos &&
           line.find("evicted 5 undelivered records, ids 1..5") != std::string::npos;
  });
  EXPECT_TRUE(logged) << "no error line names the evicted ids";
}

TEST(Spool, CountsOnlyUndeliveredRecordsAsEvicted) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.max_bytes = 16 * kKiB;
  options.segment_bytes = 4096;
  Spool spool = open_ok(options);
  for (uint64_t i = 1; i <= 15; ++i) {
    append_ok(spool, i, 1000);
  }
  ASSERT_TRUE(spool.ack(2).has_value());
  ASSERT_TRUE(spool.ack(4).has_value());
  for (uint64_t i = 16; i <= 21; ++i) {
    append_ok(spool, i, 1000);
  }
  EXPECT_EQ(spool.stats().evicted_records, 3u);  // 1, 3 and 5; 2 and 4 were delivered
  EXPECT_EQ(pending_ids(spool).front(), 6u);
}

TEST(Spool, EvictsTheSegmentBeingFilledWhenItIsTheOnlyOne) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.max_bytes = 16 * kKiB;
  options.segment_bytes = 64 * kKiB;  // capped at max_bytes / 4
  Spool spool = open_ok(options);
  EXPECT_EQ(append_ok(spool, 1, 8192), 1u);
  EXPECT_EQ(append_ok(spool, 2, 8192), 2u);  // 1 is evicted: two would exceed 16 KiB
  EXPECT_EQ(spool.stats().evicted_records, 1u);
  EXPECT_EQ(pending_ids(spool), std::vector<uint64_t>{2});
}

TEST(Spool, RejectsRecordsOfNoBytesOrOverHalfTheBound) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.max_bytes = 16 * kKiB;
  Spool spool = open_ok(options);
  auto empty = spool.append({});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code(), ErrorCode::kMalformed);
  auto huge = spool.append(payload_for(1, 8 * kKiB + 1));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().code(), ErrorCode::kMalformed);
  EXPECT_NE(huge.error().message().find("8193 bytes"), std::string::npos);
  EXPECT_EQ(append_ok(spool, 1, 8 * kKiB), 1u);
  EXPECT_EQ(spool.stats().pending_records, 1u);
}

TEST(Spool, GroupCommitMakesRecordsDurableOnFlush) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.fsync = FsyncPolicy::kGroup;
  options.segment_bytes = 4096;
  {
    Spool spool = open_ok(options);
    for (uint64_t i = 1; i <= 12; ++i) {
      append_ok(spool, i, 900);
    }
    ASSERT_TRUE(spool.ack(1).has_value());
    ASSERT_TRUE(spool.flush().has_value());
  }
  Spool spool = open_ok(options);
  const std::vector<uint64_t> pending = pending_ids(spool);
  ASSERT_EQ(pending.size(), 11u);
  EXPECT_EQ(pending.front(), 2u);
  EXPECT_EQ(pending.back(), 12u);
}

TEST(Spool, DropsAndCountsARecordDamagedAfterItWasStored) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  Spool spool = open_ok(options);
  for (uint64_t i = 1; i <= 3; ++i) {
    append_ok(spool, i, 100);
  }
  // Flip a payload byte of record 2: header 24, record 1 is 116 bytes, then 16 of header.
  const auto file = segment_files(options.dir).at(0);
  auto bytes = testing_util::read_file(file);
  bytes.at(24 + 116 + 16 + 50) ^= 0x01;
  testing_util::write_file(file, bytes);

  auto next = spool.next_pending(1);
  ASSERT_TRUE(next.has_value() && next->has_value()) << "the damaged record is skipped";
  EXPECT_EQ((*next)->id, 3u);
  EXPECT_EQ(spool.stats().corrupt_records, 1u);
  EXPECT_EQ(spool.take_evicted(), 1u);
  EXPECT_EQ(pending_ids(spool), (std::vector<uint64_t>{1, 3}));
}

TEST(SpoolDeathTest, AbortsWhenAMovedFromSpoolIsUsed) {
  ScratchDir dir;
  Spool spool = open_ok(options_in(dir.path()));
  Spool other = std::move(spool);
  // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move): what is tested
  EXPECT_DEATH(static_cast<void>(spool.append(payload_for(1, 1))), "moved-from Spool");
}

}  // namespace
}  // namespace autograph::spool
