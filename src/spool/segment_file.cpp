#include "spool/segment_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <utility>

#include "autograph/check.hpp"
#include "spool/crc32c.hpp"
#include "spool/disk_format.hpp"

namespace autograph::spool {
namespace {

using disk::kRecordHeaderBytes;
using disk::kSegmentHeaderBytes;

constexpr size_t kNameDigits = 20;
// Recovery reads through a window this big, so it needs few system calls and bounded memory
// whatever the record sizes.
constexpr size_t kScanWindowBytes = size_t{64} * 1024;

std::array<uint8_t, kSegmentHeaderBytes> encode_header(uint64_t first_id) {
  std::array<uint8_t, kSegmentHeaderBytes> header{};
  std::copy(disk::kSegmentMagic.begin(), disk::kSegmentMagic.end(), header.begin());
  disk::store_le32(&header[8], disk::kVersion);
  disk::store_le64(&header[16], first_id);
  uint32_t crc = crc32c(std::span(header).first(12));
  crc = crc32c(std::span(header).subspan(16, 8), crc);
  disk::store_le32(&header[12], crc);
  return header;
}

uint32_t record_crc(uint64_t id, std::span<const uint8_t> payload) {
  std::array<uint8_t, 8> id_bytes{};
  disk::store_le64(id_bytes.data(), id);
  return crc32c(payload, crc32c(id_bytes));
}

// A read-only window over the file for the recovery scan.
class ScanWindow {
 public:
  ScanWindow(const PosixFile& file, uint64_t file_size) : file_(file), file_size_(file_size) {}

  // The `count` (<= kScanWindowBytes) bytes at `offset`; the caller ensures they are inside
  // the file.
  Result<std::span<const uint8_t>> at(uint64_t offset, size_t count) {
    if (offset < start_ || offset + count > start_ + filled_) {
      start_ = offset;
      const size_t want =
          static_cast<size_t>(std::min<uint64_t>(kScanWindowBytes, file_size_ - offset));
      auto got = file_.read_at(offset, std::span(buffer_).first(want));
      if (!got) {
        return tl::unexpected(got.error());
      }
      filled_ = *got;
      if (filled_ < count) {
        return fail(ErrorCode::kInternal, "{}: file shrank to {} bytes while being recovered",
                    file_.path().string(), offset + filled_);
      }
    }
    return std::span<const uint8_t>(buffer_).subspan(static_cast<size_t>(offset - start_), count);
  }

 private:
  const PosixFile& file_;
  uint64_t file_size_;
  std::vector<uint8_t> buffer_ = std::vector<uint8_t>(kScanWindowBytes);
  uint64_t start_ = 0;
  size_t filled_ = 0;
};

// One record as found at `offset`: intact (`record` set), or damaged with `reason`; `end` is
// where the next record would start, or 0 when the length field itself is implausible.
struct RecordCheck {
  std::optional<RecordIndex> record;
  uint64_t end = 0;
  std::string reason;
};

Result<RecordCheck> check_record(ScanWindow& window, uint64_t offset, uint64_t file_size,
                                 uint64_t min_id) {
  RecordCheck check;
  if (file_size - offset < kRecordHeaderBytes) {
    check.reason = "short record header";
    return check;
  }
  auto head = window.at(offset, kRecordHeaderBytes);
  if (!head) {
    return tl::unexpected(head.error());
  }
  RecordIndex record;
  record.offset = offset;
  record.length = disk::load_le32(head->data());
  record.crc = disk::load_le32(head->data() + 4);
  record.id = disk::load_le64(head->data() + 8);
  if (record.length == 0 || record.length > file_size - offset - kRecordHeaderBytes) {
    check.reason = fmt::format("bad record length {}", record.length);
    return check;
  }
  check.end = offset + kRecordHeaderBytes + record.length;
  if (record.id < min_id) {
    check.reason = fmt::format("record id {} out of order (expected >= {})", record.id, min_id);
    return check;
  }
  std::array<uint8_t, 8> id_bytes{};
  disk::store_le64(id_bytes.data(), record.id);
  uint32_t crc = crc32c(id_bytes);
  for (uint64_t at = offset + kRecordHeaderBytes; at < check.end;) {
    const auto chunk = static_cast<size_t>(std::min<uint64_t>(kScanWindowBytes, check.end - at));
    auto bytes = window.at(at, chunk);
    if (!bytes) {
      return tl::unexpected(bytes.error());
    }
    crc = crc32c(*bytes, crc);
    at += chunk;
  }
  if (crc != record.crc) {
    check.reason = fmt::format("CRC mismatch in record {}", record.id);
    return check;
  }
  check.record = record;
  return check;
}

}  // namespace

std::string SegmentFile::file_name(uint64_t first_id) {
  return fmt::format("{:020}.seg", first_id);
}

std::optional<uint64_t> SegmentFile::parse_file_name(std::string_view name) {
  if (name.size() != kNameDigits + 4 || name.substr(kNameDigits) != ".seg") {
    return std::nullopt;
  }
  uint64_t value = 0;
  const char* end = name.data() + kNameDigits;
  const auto [ptr, ec] = std::from_chars(name.data(), end, value);
  if (ec != std::errc() || ptr != end ||
      !std::all_of(name.data(), end, [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return value;
}

SegmentFile::SegmentFile(std::filesystem::path path, uint64_t first_id, PosixFile file)
    : path_(std::move(path)), first_id_(first_id), file_(std::move(file)) {}

Result<SegmentFile> SegmentFile::create(const std::filesystem::path& dir, uint64_t first_id,
                                        bool durable) {
  auto path = dir / file_name(first_id);
  auto file = PosixFile::open(path, O_RDWR | O_CREAT | O_EXCL);
  if (!file) {
    return tl::unexpected(file.error());
  }
  SegmentFile segment(std::move(path), first_id, std::move(*file));
  const auto header = encode_header(first_id);
  if (auto written = segment.file_.write_at(0, {header}); !written) {
    return tl::unexpected(written.error());
  }
  segment.size_bytes_ = kSegmentHeaderBytes;
  segment.dirty_ = true;
  if (durable) {
    if (auto synced = segment.sync_if_dirty(); !synced) {
      return tl::unexpected(synced.error());
    }
  }
  return segment;
}

Result<SegmentFile::Recovery> SegmentFile::recover(const std::filesystem::path& path,
                                                   uint64_t first_id, uint64_t min_id) {
  auto file = PosixFile::open(path, O_RDWR);
  if (!file) {
    return tl::unexpected(file.error());
  }
  auto size = file->size();
  if (!size) {
    return tl::unexpected(size.error());
  }
  Recovery recovery{SegmentFile(path, first_id, std::move(*file)), 0, {}, {}};
  SegmentFile& segment = recovery.segment;

  std::array<uint8_t, kSegmentHeaderBytes> header{};
  auto got = segment.file_.read_at(0, header);
  if (!got) {
    return tl::unexpected(got.error());
  }
  const bool header_intact = *got == header.size() && header == encode_header(first_id);
  if (!header_intact) {
    const bool other_version =
        *got == header.size() &&
        std::equal(disk::kSegmentMagic.begin(), disk::kSegmentMagic.end(), header.begin()) &&
        disk::load_le32(&header[8]) != disk::kVersion && disk::load_le64(&header[16]) == first_id;
    if (other_version) {
      return fail(ErrorCode::kFailedPrecondition,
                  "{}: segment format version {} is not supported (this build reads {})",
                  path.string(), disk::load_le32(&header[8]), disk::kVersion);
    }
    // A header is written and synced before any record, so a damaged one means the file was
    // torn at creation or its first block is corrupt: nothing in it can be trusted.
    recovery.torn_bytes = *size;
    recovery.torn_reason = "damaged segment header";
    const auto fresh = encode_header(first_id);
    if (auto cut = segment.file_.truncate(0); !cut) {
      return tl::unexpected(cut.error());
    }
    if (auto written = segment.file_.write_at(0, {fresh}); !written) {
      return tl::unexpected(written.error());
    }
    segment.size_bytes_ = kSegmentHeaderBytes;
    segment.dirty_ = true;
    if (auto synced = segment.sync_if_dirty(); !synced) {
      return tl::unexpected(synced.error());
    }
    return recovery;
  }

  auto good_end = segment.scan_records(*size, std::max(min_id, first_id), recovery.torn_reason,
                                       recovery.skipped);
  if (!good_end) {
    return tl::unexpected(good_end.error());
  }
  segment.size_bytes_ = *good_end;
  if (*good_end < *size) {
    recovery.torn_bytes = *size - *good_end;
    if (auto cut = segment.file_.truncate(*good_end); !cut) {
      return tl::unexpected(cut.error());
    }
    segment.dirty_ = true;
    if (auto synced = segment.sync_if_dirty(); !synced) {
      return tl::unexpected(synced.error());
    }
  }
  return recovery;
}

// Indexes records from the header on; returns the offset just past the last intact record and
// says in `reason` why the scan stopped before the end of the file. A damaged record followed
// by an intact one is flash damage in the middle, not a torn tail: only it is skipped (and
// described in `skipped`), so one bad block does not cost the rest of the segment.
Result<uint64_t> SegmentFile::scan_records(uint64_t file_size, uint64_t min_id, std::string& reason,
                                           std::vector<std::string>& skipped) {
  ScanWindow window(file_, file_size);
  uint64_t offset = kSegmentHeaderBytes;
  while (offset < file_size) {
    auto checked = check_record(window, offset, file_size, min_id);
    if (!checked) {
      return tl::unexpected(checked.error());
    }
    if (checked->record) {
      add_record(*checked->record);
      min_id = checked->record->id + 1;
      offset = checked->end;
      continue;
    }
    if (checked->end != 0 && checked->end < file_size) {
      auto next = check_record(window, checked->end, file_size, min_id);
      if (!next) {
        return tl::unexpected(next.error());
      }
      if (next->record) {
        skipped.push_back(fmt::format("offset {}: {}", offset, checked->reason));
        offset = checked->end;
        continue;
      }
    }
    reason = std::move(checked->reason);
    break;
  }
  return offset;
}

void SegmentFile::add_record(const RecordIndex& record) {
  records_.push_back(record);
  ++pending_records_;
  pending_bytes_ += record.length;
}

Result<void> SegmentFile::ensure_open() {
  if (file_.is_open()) {
    return {};
  }
  auto file = PosixFile::open(path_, O_RDWR);
  if (!file) {
    return tl::unexpected(file.error());
  }
  file_ = std::move(*file);
  return {};
}

Result<void> SegmentFile::append(uint64_t id, std::span<const uint8_t> payload, bool durable) {
  AG_CHECK(!payload.empty() && payload.size() <= UINT32_MAX, "record length out of range");
  AG_CHECK(records_.empty() || id > records_.back().id, "record ids must increase");
  if (auto opened = ensure_open(); !opened) {
    return opened;
  }
  RecordIndex record;
  record.id = id;
  record.offset = size_bytes_;
  record.length = static_cast<uint32_t>(payload.size());
  record.crc = record_crc(id, payload);
  std::array<uint8_t, kRecordHeaderBytes> head{};
  disk::store_le32(&head[0], record.length);
  disk::store_le32(&head[4], record.crc);
  disk::store_le64(&head[8], id);
  dirty_ = true;
  if (auto written = file_.write_at(size_bytes_, {head, payload}); !written) {
    return written;
  }
  if (durable) {
    if (auto synced = sync_if_dirty(); !synced) {
      return synced;
    }
  }
  // Indexed only once written (and synced when asked): a failed append leaves no record.
  size_bytes_ += kRecordHeaderBytes + payload.size();
  add_record(record);
  return {};
}

Result<std::vector<uint8_t>> SegmentFile::read(const RecordIndex& record) {
  if (auto opened = ensure_open(); !opened) {
    return tl::unexpected(opened.error());
  }
  std::vector<uint8_t> payload(record.length);
  auto got = file_.read_at(record.offset + kRecordHeaderBytes, payload);
  if (!got) {
    return tl::unexpected(got.error());
  }
  if (*got != payload.size()) {
    return fail(ErrorCode::kDataLoss, "{}: record {} at offset {}: file ends after {} of {} bytes",
                path_.string(), record.id, record.offset, *got, payload.size());
  }
  if (record_crc(record.id, payload) != record.crc) {
    return fail(ErrorCode::kDataLoss, "{}: record {} at offset {}: CRC mismatch on read",
                path_.string(), record.id, record.offset);
  }
  return payload;
}

Result<void> SegmentFile::sync_if_dirty() {
  if (!dirty_) {
    return {};
  }
  AG_CHECK(file_.is_open(), "a dirty segment keeps its descriptor");
  if (auto synced = file_.sync_data(); !synced) {
    return synced;
  }
  dirty_ = false;
  return {};
}

void SegmentFile::release_descriptor() noexcept {
  if (!dirty_) {
    file_.close();
  }
}

Result<void> SegmentFile::remove() {
  file_.close();
  dirty_ = false;
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return tl::unexpected(errno_error("unlink", path_, errno));
  }
  return {};
}

std::optional<size_t> SegmentFile::find(uint64_t id) const noexcept {
  const auto it = std::lower_bound(records_.begin(), records_.end(), id,
                                   [](const RecordIndex& r, uint64_t v) { return r.id < v; });
  if (it == records_.end() || it->id != id) {
    return std::nullopt;
  }
  return static_cast<size_t>(it - records_.begin());
}

bool SegmentFile::mark_delivered(size_t index) noexcept {
  AG_CHECK(index < records_.size(), "record index out of range");
  RecordIndex& record = records_[index];
  if (record.delivered) {
    return false;
  }
  record.delivered = true;
  --pending_records_;
  pending_bytes_ -= record.length;
  return true;
}

}  // namespace autograph::spool
