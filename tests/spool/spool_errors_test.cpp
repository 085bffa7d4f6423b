// Errors at open: every one names the path and carries a code that says what to do next.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "spool/crc32c.hpp"
#include "spool/spool.hpp"
#include "spool_test_util.hpp"

namespace autograph::spool {
namespace {

using testing_util::kKiB;
using testing_util::options_in;
using testing_util::payload_for;
using testing_util::read_file;
using testing_util::ScratchDir;
using testing_util::segment_files;
using testing_util::write_file;

void expect_open_fails(const SpoolOptions& options, ErrorCode code, const std::string& names) {
  auto spool = Spool::open(options);
  ASSERT_FALSE(spool.has_value()) << "opened " << options.dir;
  EXPECT_EQ(spool.error().code(), code) << spool.error().message();
  EXPECT_NE(spool.error().message().find(names), std::string::npos)
      << "'" << spool.error().message() << "' does not name " << names;
}

TEST(SpoolErrors, RefusesAPathThatIsAFile) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  write_file(options.dir, {1, 2, 3});
  expect_open_fails(options, ErrorCode::kFailedPrecondition, options.dir.string());
}

TEST(SpoolErrors, RefusesADirectoryUnderAFile) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  write_file(options.dir, {1});
  options.dir /= "inner";
  expect_open_fails(options, ErrorCode::kFailedPrecondition, (dir.path() / "spool").string());
}

TEST(SpoolErrors, RefusesADirectoryWithoutWritePermission) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "running as root, which may write anywhere";
  }
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  std::filesystem::create_directories(options.dir);
  std::filesystem::permissions(
      options.dir, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  expect_open_fails(options, ErrorCode::kFailedPrecondition, options.dir.string());
  std::filesystem::permissions(options.dir, std::filesystem::perms::owner_all);
}

TEST(SpoolErrors, RefusesADirectoryAnotherSpoolHasOpen) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  {
    auto first = Spool::open(options);
    ASSERT_TRUE(first.has_value()) << first.error().message();
    expect_open_fails(options, ErrorCode::kFailedPrecondition, "already in use");
  }
  auto again = Spool::open(options);
  EXPECT_TRUE(again.has_value()) << "the lock goes with the Spool";
}

TEST(SpoolErrors, RefusesOptionsBelowTheMinimums) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.max_bytes = 1000;
  expect_open_fails(options, ErrorCode::kFailedPrecondition, "max_bytes 1000");
  options = options_in(dir.path());
  options.segment_bytes = 100;
  expect_open_fails(options, ErrorCode::kFailedPrecondition, "segment_bytes 100");
  options.dir.clear();
  expect_open_fails(options, ErrorCode::kFailedPrecondition, "no directory");
}

TEST(SpoolErrors, CreatesMissingDirectoriesPrivateToTheOwner) {
  ScratchDir dir;
  SpoolOptions options;
  options.dir = dir.path() / "a" / "b" / "spool";
  auto spool = Spool::open(options);
  ASSERT_TRUE(spool.has_value()) << spool.error().message();
  struct stat info {};
  ASSERT_EQ(::stat(options.dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

// Rewrites the version field of a header and its CRC, as a newer build would write them.
void set_version(std::vector<uint8_t>& header, size_t crc_end, uint32_t version) {
  for (size_t i = 0; i < 4; ++i) {
    header[8 + i] = static_cast<uint8_t>(version >> (8 * i));
  }
  uint32_t crc = crc32c(std::span(header).first(12));
  if (crc_end > 16) {
    crc = crc32c(std::span(header).subspan(16, crc_end - 16), crc);
  }
  for (size_t i = 0; i < 4; ++i) {
    header[12 + i] = static_cast<uint8_t>(crc >> (8 * i));
  }
}

TEST(SpoolErrors, LeavesSegmentsOfAnotherFormatVersionAlone) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  {
    auto spool = Spool::open(options);
    ASSERT_TRUE(spool.has_value());
    ASSERT_TRUE(spool->append(payload_for(1, 10)).has_value());
  }
  const auto file = segment_files(options.dir).at(0);
  auto bytes = read_file(file);
  set_version(bytes, 24, 2);
  write_file(file, bytes);
  expect_open_fails(options, ErrorCode::kFailedPrecondition, file.string());
  EXPECT_EQ(read_file(file), bytes) << "the newer file must not be touched";
}

TEST(SpoolErrors, LeavesAnAckLogOfAnotherFormatVersionAlone) {
  ScratchDir dir;
  const SpoolOptions options = options_in(dir.path());
  {
    auto spool = Spool::open(options);
    ASSERT_TRUE(spool.has_value());
  }
  const auto file = options.dir / "acks.log";
  auto bytes = read_file(file);
  ASSERT_EQ(bytes.size(), 16u);
  set_version(bytes, 16, 7);
  write_file(file, bytes);
  expect_open_fails(options, ErrorCode::kFailedPrecondition, "version 7");
}

// Runs in a child (death-test style): with the file size limit at 12 KiB every write past it
// fails with EFBIG, a real I/O error from the kernel. Exits 0 when the spool behaved.
[[noreturn]] void append_past_the_file_size_limit(const SpoolOptions& options) {
  std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
  const rlimit limit{12 * kKiB, 12 * kKiB};
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
    std::_Exit(10);
  }
  auto spool = Spool::open(options);
  if (!spool) {
    std::_Exit(11);
  }
  uint64_t stored = 0;
  for (uint64_t i = 1; i <= 20; ++i) {
    auto id = spool->append(payload_for(i, 1000));
    if (!id) {
      const std::string& message = id.error().message();
      const bool named = message.find(".seg") != std::string::npos &&
                         message.find("File too large") != std::string::npos;
      std::fprintf(stderr, "%s\n", message.c_str());
      // The failed record is not stored and its id is not used.
      const auto pending = spool->stats().pending_records;
      std::_Exit(named && pending == stored && stored == 12 ? 0 : 12);
    }
    stored = *id;
  }
  std::_Exit(13);
}

TEST(SpoolErrorsDeathTest, AWriteErrorNamesTheFileAndStoresNothing) {
  ScratchDir dir;
  SpoolOptions options = options_in(dir.path());
  options.segment_bytes = 64 * kKiB;
  // 24 + 12 * 1016 = 12216 bytes fit under 12 KiB (12288); the 13th record crosses it: 72 of
  // its bytes are written, the rest fails.
  EXPECT_EXIT(append_past_the_file_size_limit(options), testing::ExitedWithCode(0),
              "write at offset 12288 to .*00000000000000000001.seg: File too large");
  // The part of record 13 that reached the file is cut at the next open.
  auto spool = Spool::open(options);
  ASSERT_TRUE(spool.has_value()) << spool.error().message();
  EXPECT_EQ(spool->stats().pending_records, 12u);
  EXPECT_EQ(spool->stats().torn_bytes, 72u);
  EXPECT_EQ(spool->append(payload_for(13, 10)).value_or(0), 13u);
}

}  // namespace
}  // namespace autograph::spool
