// AckLog: the durable record of which spool records were delivered (`acks.log` in the spool
// directory), so that after a restart only undelivered records are sent again.
//
// An entry is 12 bytes (id + CRC32C), appended per acknowledgement. Entries for segments that
// were deleted are garbage; compact() rewrites the log with only the live ones, atomically
// (write a temporary file, sync, rename, sync the directory), so a crash at any point leaves
// either the old or the new log.
//
// Thread: owned by the Spool's thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "autograph/result.hpp"
#include "spool/posix_file.hpp"

namespace autograph::spool {

class AckLog {
 public:
  struct Loaded;

  static constexpr const char* kFileName = "acks.log";
  static constexpr const char* kTempFileName = "acks.log.tmp";

  // Opens `dir`/acks.log, creating it when missing, and returns the acknowledged ids in it.
  // A torn or corrupt tail is cut off and synced; a damaged header empties the log (those acks
  // are lost, so their records are delivered again: at least once, never lost). Errors:
  // kFailedPrecondition for a log of another format version; I/O errors naming the path.
  [[nodiscard]] static Result<Loaded> open(const std::filesystem::path& dir);

  // Appends the acknowledgement of `id`; durable on return when `durable`.
  [[nodiscard]] Result<void> append(uint64_t id, bool durable);

  // fdatasync when appends since the last sync are not yet durable.
  [[nodiscard]] Result<void> sync_if_dirty();

  // Replaces the log by one holding exactly `ids`, durably; `dir` is the open spool directory.
  [[nodiscard]] Result<void> compact(std::span<const uint64_t> ids, PosixFile& dir);

  // Entries in the log now (live and garbage).
  uint64_t entries() const noexcept { return entries_; }

 private:
  AckLog(std::filesystem::path dir, PosixFile file, uint64_t entries)
      : dir_(std::move(dir)), file_(std::move(file)), entries_(entries) {}

  [[nodiscard]] static Result<PosixFile> create_empty(const std::filesystem::path& path);

  std::filesystem::path dir_;
  PosixFile file_;
  uint64_t entries_ = 0;
  bool dirty_ = false;
};

struct AckLog::Loaded {
  AckLog log;
  std::vector<uint64_t> ids;  // in log order (acks may arrive out of order)
  uint64_t torn_bytes = 0;
  std::string torn_reason;  // empty when nothing was cut
};

}  // namespace autograph::spool
