// Fuzz target for spool recovery, the parser of whatever bytes flash hands back after a crash.
//
// Input: byte 0 = flags (bit 0: start the segment with a valid header, bit 1: start the ack log
// with a valid header), byte 1 = where the rest splits into ack log bytes | segment bytes.
// Properties checked (abort on violation): open() succeeds or fails only for an unsupported
// format version; every pending record reads back; an append after recovery gets a fresh id;
// and recovery is idempotent: a second open finds the same records and nothing more to cut.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "spool/crc32c.hpp"
#include "spool/disk_format.hpp"
#include "spool/spool.hpp"

namespace {

using autograph::spool::Spool;
using autograph::spool::SpoolOptions;
namespace disk = autograph::spool::disk;

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "spool_recovery_fuzz: %s\n", what);
  std::abort();
}

std::vector<uint8_t> segment_header() {
  std::vector<uint8_t> header(disk::kSegmentHeaderBytes);
  std::copy(disk::kSegmentMagic.begin(), disk::kSegmentMagic.end(), header.begin());
  disk::store_le32(&header[8], disk::kVersion);
  disk::store_le64(&header[16], 1);
  uint32_t crc = autograph::spool::crc32c(std::span(header).first(12));
  crc = autograph::spool::crc32c(std::span(header).subspan(16, 8), crc);
  disk::store_le32(&header[12], crc);
  return header;
}

std::vector<uint8_t> ack_header() {
  std::vector<uint8_t> header(disk::kAckHeaderBytes);
  std::copy(disk::kAckMagic.begin(), disk::kAckMagic.end(), header.begin());
  disk::store_le32(&header[8], disk::kVersion);
  disk::store_le32(&header[12], autograph::spool::crc32c(std::span(header).first(12)));
  return header;
}

void write_file(const std::filesystem::path& path, std::vector<uint8_t> prefix, const uint8_t* data,
                size_t size) {
  prefix.insert(prefix.end(), data, data + size);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(prefix.data()),
            static_cast<std::streamsize>(prefix.size()));
}

std::vector<std::pair<uint64_t, std::vector<uint8_t>>> drain(Spool& spool) {
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> records;
  uint64_t after = 0;
  for (;;) {
    auto next = spool.next_pending(after);
    if (!next) {
      violated("next_pending failed on a recovered spool");
    }
    if (!next->has_value()) {
      return records;
    }
    after = (*next)->id;
    records.emplace_back(after, std::move((*next)->bytes));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                           ("autograph-spool-fuzz-" + std::to_string(::getpid()));
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  static_cast<void>(quiet);
  if (size < 2) {
    return 0;
  }
  const uint8_t flags = data[0];
  const size_t split = 2 + (size - 2) * data[1] / 256;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write_file(dir / "acks.log", (flags & 2) != 0 ? ack_header() : std::vector<uint8_t>{}, data + 2,
             split - 2);
  write_file(dir / "00000000000000000001.seg",
             (flags & 1) != 0 ? segment_header() : std::vector<uint8_t>{}, data + split,
             size - split);

  SpoolOptions options;
  options.dir = dir;
  options.fsync = autograph::spool::FsyncPolicy::kGroup;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> before;
  {
    auto spool = Spool::open(options);
    if (!spool) {
      if (spool.error().message().find("version") == std::string::npos) {
        violated("open failed for a reason other than the format version");
      }
      return 0;
    }
    before = drain(*spool);
    const std::vector<uint8_t> fresh = {1, 2, 3};
    auto id = spool->append(fresh);
    if (!id || (!before.empty() && *id <= before.back().first)) {
      violated("append after recovery failed or reused an id");
    }
    before.emplace_back(*id, fresh);
    if (!spool->flush()) {
      violated("flush failed");
    }
  }
  auto again = Spool::open(options);
  if (!again) {
    violated("second open failed");
  }
  if (again->stats().torn_bytes != 0 || drain(*again) != before) {
    violated("recovery is not idempotent");
  }
  return 0;
}
