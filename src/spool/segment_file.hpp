// SegmentFile: one `<first-id>.seg` file of the spool and the index of its records.
//
// The index (id, offset, length, CRC, delivered) lives in memory: 32 bytes per record, so a
// 64 MB spool of 1 KB batches costs about 2 MB of RAM. Payloads stay on flash and are read back
// (and their CRC checked again) only when they are delivered.
//
// The descriptor is opened lazily and may be released when no unsynced writes remain, so a spool
// of many segments does not hold many descriptors.
//
// Thread: owned by the Spool's thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/result.hpp"
#include "spool/posix_file.hpp"

namespace autograph::spool {

struct RecordIndex {
  uint64_t id = 0;
  uint64_t offset = 0;  // of the record's header in the file
  uint32_t length = 0;  // payload bytes
  uint32_t crc = 0;     // CRC32C of id and payload, as stored
  bool delivered = false;
};

class SegmentFile {
 public:
  // What recover() found.
  struct Recovery;

  // "<first_id as 20 digits>.seg", and the inverse (nullopt for any other name).
  static std::string file_name(uint64_t first_id);
  static std::optional<uint64_t> parse_file_name(std::string_view name);

  // Creates `dir`/file_name(first_id) (it must not exist) holding only the header. When
  // `durable`, the header is on the device on return; the caller syncs the directory entry.
  [[nodiscard]] static Result<SegmentFile> create(const std::filesystem::path& dir,
                                                  uint64_t first_id, bool durable);

  // Opens the existing segment `path` named for `first_id` and indexes its records, which must
  // have ids >= max(min_id, first_id), strictly increasing. A damaged record (id out of order,
  // CRC mismatch) directly followed by an intact one is skipped and reported in `skipped`;
  // otherwise the first damaged record (also: short header, length zero or past the end) and
  // everything after it are cut off and synced. A damaged file header makes the segment empty
  // (header rewritten).
  // Errors: kFailedPrecondition for a valid header of another format version (the file is left
  // alone), I/O errors naming the path.
  [[nodiscard]] static Result<Recovery> recover(const std::filesystem::path& path,
                                                uint64_t first_id, uint64_t min_id);

  // Appends one record at the end. When `durable`, it is on the device on return. On error the
  // segment's logical end is unchanged (stray bytes past it are overwritten by the next append
  // and cut off by recovery).
  [[nodiscard]] Result<void> append(uint64_t id, std::span<const uint8_t> payload, bool durable);

  // Reads the payload of `record` (an element of records()). kDataLoss when the bytes on flash
  // no longer match the CRC or the file is shorter than indexed.
  [[nodiscard]] Result<std::vector<uint8_t>> read(const RecordIndex& record);

  // fdatasync when appends since the last sync are not yet durable.
  [[nodiscard]] Result<void> sync_if_dirty();
  bool dirty() const noexcept { return dirty_; }

  // Closes the descriptor unless unsynced writes remain (they need it for sync_if_dirty()).
  void release_descriptor() noexcept;

  // Closes and unlinks the file (the caller syncs the directory).
  [[nodiscard]] Result<void> remove();

  // Index of the record with `id`, or nullopt.
  std::optional<size_t> find(uint64_t id) const noexcept;
  // Marks records()[index] delivered; returns false when it already was.
  bool mark_delivered(size_t index) noexcept;

  uint64_t first_id() const noexcept { return first_id_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  uint64_t size_bytes() const noexcept { return size_bytes_; }  // header included
  const std::vector<RecordIndex>& records() const noexcept { return records_; }
  uint64_t pending_records() const noexcept { return pending_records_; }
  uint64_t pending_bytes() const noexcept { return pending_bytes_; }
  uint64_t delivered_records() const noexcept { return records_.size() - pending_records_; }

 private:
  SegmentFile(std::filesystem::path path, uint64_t first_id, PosixFile file);

  [[nodiscard]] Result<void> ensure_open();
  [[nodiscard]] Result<uint64_t> scan_records(uint64_t file_size, uint64_t min_id,
                                              std::string& reason,
                                              std::vector<std::string>& skipped);
  void add_record(const RecordIndex& record);

  std::filesystem::path path_;
  uint64_t first_id_ = 0;
  PosixFile file_;  // may be closed (lazily reopened)
  uint64_t size_bytes_ = 0;
  std::vector<RecordIndex> records_;
  uint64_t pending_records_ = 0;
  uint64_t pending_bytes_ = 0;
  bool dirty_ = false;
};

struct SegmentFile::Recovery {
  SegmentFile segment;
  uint64_t torn_bytes = 0;  // cut off the end (or the whole file when its header was damaged)
  std::string torn_reason;  // why, with the offset; empty when nothing was cut
  // Damaged records in the middle (an intact record follows), skipped: "offset N: why".
  std::vector<std::string> skipped;
};

}  // namespace autograph::spool
