// Recovery after damage and crashes: torn tails, flipped bytes, torn ack log, kill -9.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <set>

#include "spool/spool.hpp"
#include "spool_test_util.hpp"

namespace autograph::spool {
namespace {

using testing_util::options_in;
using testing_util::payload_for;
using testing_util::pending_ids;
using testing_util::read_file;
using testing_util::ScratchDir;
using testing_util::segment_files;
using testing_util::write_file;

constexpr size_t kSegmentHeader = 24;
constexpr size_t kRecordHeader = 16;
const std::vector<size_t> kSizes = {40, 700, 3, 120};  // the last record is the one damaged

// A spool holding records 1..4 of kSizes in one segment, record 1 acknowledged; returns the
// files' bytes so each case can rebuild the directory.
struct Fixture {
  std::vector<uint8_t> segment;
  std::vector<uint8_t> acks;
  std::string segment_name;
  size_t last_record_offset = 0;
};

Fixture make_fixture(const std::filesystem::path& base) {
  const SpoolOptions options = options_in(base);
  {
    auto spool = Spool::open(options);
    EXPECT_TRUE(spool.has_value());
    for (uint64_t i = 1; i <= kSizes.size(); ++i) {
      EXPECT_EQ(spool->append(payload_for(i, kSizes[i - 1])).value_or(0), i);
    }
    EXPECT_TRUE(spool->ack(1).has_value());
  }
  Fixture fixture;
  const auto file = segment_files(options.dir).at(0);
  fixture.segment = read_file(file);
  fixture.segment_name = file.filename().string();
  fixture.acks = read_file(options.dir / "acks.log");
  fixture.last_record_offset = kSegmentHeader;
  for (size_t i = 0; i + 1 < kSizes.size(); ++i) {
    fixture.last_record_offset += kRecordHeader + kSizes[i];
  }
  EXPECT_EQ(fixture.segment.size(), fixture.last_record_offset + kRecordHeader + kSizes.back());
  return fixture;
}

// Opens a spool made of `segment` and `acks` and checks that records 2 and 3 (and no others)
// are pending with their exact bytes, that `torn` bytes were counted and that ids go on at 4.
void expect_recovers_earlier_records(const std::filesystem::path& base, const Fixture& fixture,
                                     const std::vector<uint8_t>& segment, uint64_t torn) {
  const SpoolOptions options = options_in(base);
  std::filesystem::remove_all(options.dir);
  std::filesystem::create_directories(options.dir);
  write_file(options.dir / fixture.segment_name, segment);
  write_file(options.dir / "acks.log", fixture.acks);
  auto spool = Spool::open(options);
  ASSERT_TRUE(spool.has_value()) << spool.error().message();
  ASSERT_EQ(pending_ids(*spool), (std::vector<uint64_t>{2, 3}));
  for (uint64_t id = 2; id <= 3; ++id) {
    auto record = spool->next_pending(id - 1);
    ASSERT_TRUE(record.has_value() && record->has_value());
    ASSERT_EQ((*record)->bytes, payload_for(id, kSizes[id - 1]));
  }
  EXPECT_EQ(spool->stats().torn_bytes, torn);
  EXPECT_EQ(std::filesystem::file_size(options.dir / fixture.segment_name),
            fixture.last_record_offset);
  auto next = spool->append(payload_for(99, 5));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, 4u);
}

TEST(SpoolRecovery, CutAtEveryByteOfTheLastRecordKeepsEarlierRecords) {
  ScratchDir dir;
  const Fixture fixture = make_fixture(dir.path() / "original");
  for (size_t cut = fixture.last_record_offset; cut < fixture.segment.size(); ++cut) {
    SCOPED_TRACE(testing::Message() << "cut at byte " << cut);
    const std::vector<uint8_t> torn(fixture.segment.begin(),
                                    fixture.segment.begin() + static_cast<std::ptrdiff_t>(cut));
    expect_recovers_earlier_records(dir.path() / "cut", fixture, torn,
                                    cut - fixture.last_record_offset);
    if (HasFatalFailure()) {
      return;
    }
  }
}

TEST(SpoolRecovery, FlippedByteInTheLastRecordIsCutOff) {
  ScratchDir dir;
  const Fixture fixture = make_fixture(dir.path() / "original");
  for (size_t at = fixture.last_record_offset; at < fixture.segment.size(); ++at) {
    SCOPED_TRACE(testing::Message() << "byte " << at << " flipped");
    std::vector<uint8_t> damaged = fixture.segment;
    damaged[at] ^= 0xFF;
    expect_recovers_earlier_records(dir.path() / "flip", fixture, damaged,
                                    fixture.segment.size() - fixture.last_record_offset);
    if (HasFatalFailure()) {
      return;
    }
  }
}

TEST(SpoolRecovery, FlippedByteInAMiddleRecordLosesOnlyThatRecord) {
  ScratchDir dir;
  const Fixture fixture = make_fixture(dir.path() / "original");
  const size_t second = kSegmentHeader + kRecordHeader + kSizes[0];
  const size_t third = second + kRecordHeader + kSizes[1];
  for (size_t at = second; at < third; ++at) {
    SCOPED_TRACE(testing::Message() << "byte " << at << " flipped");
    std::vector<uint8_t> damaged = fixture.segment;
    damaged[at] ^= 0xFF;
    const SpoolOptions options = options_in(dir.path() / "middle");
    std::filesystem::remove_all(options.dir);
    std::filesystem::create_directories(options.dir);
    write_file(options.dir / fixture.segment_name, damaged);
    write_file(options.dir / "acks.log", fixture.acks);
    auto spool = Spool::open(options);
    ASSERT_TRUE(spool.has_value()) << spool.error().message();
    if (at < second + 4) {
      // A damaged length leaves no way to find the next record: the rest is cut.
      EXPECT_EQ(pending_ids(*spool), std::vector<uint64_t>{});
      EXPECT_EQ(spool->stats().torn_bytes, fixture.segment.size() - second);
      continue;
    }
    ASSERT_EQ(pending_ids(*spool), (std::vector<uint64_t>{3, 4}));
    for (uint64_t id = 3; id <= 4; ++id) {
      auto record = spool->next_pending(id - 1);
      ASSERT_TRUE(record.has_value() && record->has_value());
      ASSERT_EQ((*record)->bytes, payload_for(id, kSizes[id - 1]));
    }
    EXPECT_EQ(spool->stats().torn_bytes, 0u);
    EXPECT_EQ(spool->stats().corrupt_records, 1u);
    EXPECT_EQ(spool->take_evicted(), 1u) << "the lost record is reported";
    EXPECT_EQ(spool->append(payload_for(5, 5)).value_or(0), 5u);
  }
}

TEST(SpoolRecovery, ZeroFilledTailIsCutOff) {
  // After power loss a file can keep its new size while its last blocks read back as zeros.
  ScratchDir dir;
  const Fixture fixture = make_fixture(dir.path() / "original");
  std::vector<uint8_t> zeroed = fixture.segment;
  std::fill(zeroed.begin() + static_cast<std::ptrdiff_t>(fixture.last_record_offset), zeroed.end(),
            0);
  zeroed.resize(zeroed.size() + 4096, 0);
  expect_recovers_earlier_records(dir.path() / "zero", fixture, zeroed,
                                  zeroed.size() - fixture.last_record_offset);
}

TEST(SpoolRecovery, AckLogCutAtEveryByteOfItsLastEntryLosesOnlyThatAck) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path() / "original");
  {
    auto spool = Spool::open(options);
    ASSERT_TRUE(spool.has_value());
    for (uint64_t i = 1; i <= 3; ++i) {
      ASSERT_TRUE(spool->append(payload_for(i, 30)).has_value());
    }
    ASSERT_TRUE(spool->ack(1).has_value());
    ASSERT_TRUE(spool->ack(3).has_value());
  }
  const auto segment = segment_files(options.dir).at(0);
  const auto segment_bytes = read_file(segment);
  const auto acks = read_file(options.dir / "acks.log");
  ASSERT_EQ(acks.size(), 16u + 2 * 12u);
  for (size_t cut = 28; cut < acks.size(); ++cut) {
    SCOPED_TRACE(testing::Message() << "ack log cut at byte " << cut);
    const SpoolOptions copy = options_in(dir.path() / "cut");
    std::filesystem::remove_all(copy.dir);
    std::filesystem::create_directories(copy.dir);
    write_file(copy.dir / segment.filename(), segment_bytes);
    write_file(copy.dir / "acks.log",
               std::vector<uint8_t>(acks.begin(), acks.begin() + static_cast<std::ptrdiff_t>(cut)));
    auto spool = Spool::open(copy);
    ASSERT_TRUE(spool.has_value()) << spool.error().message();
    EXPECT_EQ(pending_ids(*spool), (std::vector<uint64_t>{2, 3}));
    EXPECT_EQ(spool->stats().torn_bytes, cut - 28);
  }
}

TEST(SpoolRecovery, DamagedHeaderOfTheLastSegmentEmptiesItAndIdsGoOn) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.segment_bytes = 4096;
  {
    auto spool = Spool::open(options);
    ASSERT_TRUE(spool.has_value());
    for (uint64_t i = 1; i <= 7; ++i) {
      ASSERT_TRUE(spool->append(payload_for(i, 1000)).has_value());
    }
  }
  const auto files = segment_files(options.dir);
  ASSERT_EQ(files.size(), 2u);
  auto last = read_file(files[1]);
  last[3] ^= 0x20;
  write_file(files[1], last);
  auto spool = Spool::open(options);
  ASSERT_TRUE(spool.has_value()) << spool.error().message();
  EXPECT_EQ(pending_ids(*spool), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(spool->stats().torn_bytes, last.size());
  EXPECT_EQ(spool->append(payload_for(8, 10)).value_or(0), 6u);
}

// A payload that names itself: `tag` in its first 8 bytes, then payload_for(tag) bytes.
std::vector<uint8_t> tagged_payload(uint64_t tag, size_t size) {
  std::vector<uint8_t> bytes = payload_for(tag, size);
  std::memcpy(bytes.data(), &tag, sizeof tag);
  return bytes;
}

bool is_intact_tagged_payload(const std::vector<uint8_t>& bytes) {
  uint64_t tag = 0;
  if (bytes.size() < sizeof tag) {
    return false;
  }
  std::memcpy(&tag, bytes.data(), sizeof tag);
  return bytes == tagged_payload(tag, bytes.size());
}

// The child appends in a loop with fsync per record and reports each id once append() has
// returned (durable); every third it also acknowledges and reports that. Bit 63 marks an ack.
[[noreturn]] void append_until_killed(const SpoolOptions& options, int round, int report_fd) {
  auto spool = Spool::open(options);
  if (!spool) {
    _exit(3);
  }
  for (int i = 0; i < 200'000; ++i) {
    const auto tag = static_cast<uint64_t>(round) * 1'000'000 + static_cast<uint64_t>(i);
    auto id = spool->append(tagged_payload(tag, 200 + static_cast<size_t>(i % 700)));
    if (!id) {
      _exit(4);
    }
    uint64_t report = *id;
    if (write(report_fd, &report, sizeof report) != sizeof report) {
      _exit(5);
    }
    if (*id % 3 == 0) {
      if (!spool->ack(*id)) {
        _exit(6);
      }
      report = *id | (1ull << 63);
      if (write(report_fd, &report, sizeof report) != sizeof report) {
        _exit(5);
      }
    }
  }
  _exit(0);
}

TEST(SpoolRecovery, KillNineWhileAppendingLosesNoDurableRecord) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.segment_bytes = 8192;
  std::set<uint64_t> appended;
  std::set<uint64_t> acked;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(testing::Message() << "round " << round);
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      static_cast<void>(close(fds[0]));
      append_until_killed(options, round, fds[1]);
    }
    static_cast<void>(close(fds[1]));
    // Kill after a number of reports that varies by round, or after 30 s on a very slow disk.
    const size_t kill_after = 150 + 97 * static_cast<size_t>(round);
    size_t reports = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool killed = false;
    for (;;) {
      if (!killed && (reports >= kill_after || std::chrono::steady_clock::now() > deadline)) {
        ASSERT_EQ(kill(child, SIGKILL), 0);
        killed = true;
      }
      pollfd pfd{fds[0], POLLIN, 0};
      if (poll(&pfd, 1, 1000) <= 0 && !killed) {
        continue;
      }
      uint64_t report = 0;
      const ssize_t got = read(fds[0], &report, sizeof report);
      if (got <= 0) {
        break;  // killed and drained
      }
      ASSERT_EQ(got, static_cast<ssize_t>(sizeof report));
      ++reports;
      ((report >> 63) != 0 ? acked : appended).insert(report & ~(1ull << 63));
    }
    static_cast<void>(close(fds[0]));
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
    ASSERT_GE(reports, 10u) << "the child failed or its disk is unusably slow";
  }

  auto spool = Spool::open(options);
  ASSERT_TRUE(spool.has_value()) << spool.error().message();
  const std::vector<uint64_t> pending = pending_ids(*spool);
  const std::set<uint64_t> pending_set(pending.begin(), pending.end());
  for (const uint64_t id : appended) {
    // An id divisible by 3 whose ack report is missing was being acknowledged at the kill: it
    // may or may not be delivered, both are right.
    if (acked.count(id) == 0 && id % 3 != 0) {
      ASSERT_EQ(pending_set.count(id), 1u) << "durable record " << id << " was lost";
    }
  }
  for (const uint64_t id : acked) {
    ASSERT_EQ(pending_set.count(id), 0u) << "acknowledged record " << id << " came back";
  }
  std::set<uint64_t> checked;
  for (const uint64_t id : pending) {
    auto record = spool->next_pending(id - 1);
    ASSERT_TRUE(record.has_value() && record->has_value());
    ASSERT_EQ((*record)->id, id);
    ASSERT_TRUE(is_intact_tagged_payload((*record)->bytes)) << "record " << id;
    checked.insert(id);
  }
  EXPECT_EQ(checked.size(), pending.size());
  EXPECT_GE(appended.size(), 30u);
}

}  // namespace
}  // namespace autograph::spool
