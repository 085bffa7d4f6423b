#include "spool/ack_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#include "spool/crc32c.hpp"
#include "spool/disk_format.hpp"

namespace autograph::spool {
namespace {

using disk::kAckEntryBytes;
using disk::kAckHeaderBytes;

std::array<uint8_t, kAckHeaderBytes> encode_header() {
  std::array<uint8_t, kAckHeaderBytes> header{};
  std::copy(disk::kAckMagic.begin(), disk::kAckMagic.end(), header.begin());
  disk::store_le32(&header[8], disk::kVersion);
  disk::store_le32(&header[12], crc32c(std::span(header).first(12)));
  return header;
}

std::array<uint8_t, kAckEntryBytes> encode_entry(uint64_t id) {
  std::array<uint8_t, kAckEntryBytes> entry{};
  disk::store_le64(&entry[0], id);
  disk::store_le32(&entry[8], crc32c(std::span(entry).first(8)));
  return entry;
}

}  // namespace

Result<PosixFile> AckLog::create_empty(const std::filesystem::path& path) {
  auto file = PosixFile::open(path, O_RDWR | O_CREAT | O_TRUNC);
  if (!file) {
    return tl::unexpected(file.error());
  }
  const auto header = encode_header();
  if (auto written = file->write_at(0, {header}); !written) {
    return tl::unexpected(written.error());
  }
  if (auto synced = file->sync_data(); !synced) {
    return tl::unexpected(synced.error());
  }
  return file;
}

Result<AckLog::Loaded> AckLog::open(const std::filesystem::path& dir) {
  const auto path = dir / kFileName;
  auto file = PosixFile::open(path, O_RDWR | O_CREAT);
  if (!file) {
    return tl::unexpected(file.error());
  }
  auto size = file->size();
  if (!size) {
    return tl::unexpected(size.error());
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(*size));
  auto got = file->read_at(0, bytes);
  if (!got) {
    return tl::unexpected(got.error());
  }
  bytes.resize(*got);
  const auto header = encode_header();
  const bool header_intact =
      bytes.size() >= kAckHeaderBytes && std::equal(header.begin(), header.end(), bytes.begin());
  if (!header_intact) {
    const bool other_version =
        bytes.size() >= kAckHeaderBytes &&
        std::equal(disk::kAckMagic.begin(), disk::kAckMagic.end(), bytes.begin()) &&
        crc32c(std::span(bytes).first(12)) == disk::load_le32(&bytes[12]);
    if (other_version) {
      return fail(ErrorCode::kFailedPrecondition,
                  "{}: ack log format version {} is not supported (this build reads {})",
                  path.string(), disk::load_le32(&bytes[8]), disk::kVersion);
    }
    auto fresh = create_empty(path);
    if (!fresh) {
      return tl::unexpected(fresh.error());
    }
    Loaded loaded{AckLog(dir, std::move(*fresh), 0), {}, bytes.size(), {}};
    if (!bytes.empty()) {
      loaded.torn_reason = "damaged ack log header";
    }
    return loaded;
  }

  Loaded loaded{AckLog(dir, std::move(*file), 0), {}, 0, {}};
  size_t offset = kAckHeaderBytes;
  while (bytes.size() - offset >= kAckEntryBytes) {
    const uint8_t* entry = &bytes[offset];
    if (crc32c(std::span(entry, 8)) != disk::load_le32(entry + 8)) {
      loaded.torn_reason = fmt::format("CRC mismatch in ack entry at offset {}", offset);
      break;
    }
    loaded.ids.push_back(disk::load_le64(entry));
    offset += kAckEntryBytes;
  }
  if (offset < bytes.size()) {
    if (loaded.torn_reason.empty()) {
      loaded.torn_reason = fmt::format("short ack entry at offset {}", offset);
    }
    loaded.torn_bytes = bytes.size() - offset;
    if (auto cut = loaded.log.file_.truncate(offset); !cut) {
      return tl::unexpected(cut.error());
    }
    if (auto synced = loaded.log.file_.sync_data(); !synced) {
      return tl::unexpected(synced.error());
    }
  }
  loaded.log.entries_ = loaded.ids.size();
  return loaded;
}

Result<void> AckLog::append(uint64_t id, bool durable) {
  const auto entry = encode_entry(id);
  dirty_ = true;
  if (auto written = file_.write_at(kAckHeaderBytes + entries_ * kAckEntryBytes, {entry});
      !written) {
    return written;
  }
  if (durable) {
    if (auto synced = sync_if_dirty(); !synced) {
      return synced;
    }
  }
  ++entries_;
  return {};
}

Result<void> AckLog::sync_if_dirty() {
  if (!dirty_) {
    return {};
  }
  if (auto synced = file_.sync_data(); !synced) {
    return synced;
  }
  dirty_ = false;
  return {};
}

Result<void> AckLog::compact(std::span<const uint64_t> ids, PosixFile& dir) {
  const auto temp_path = dir_ / kTempFileName;
  auto temp = create_empty(temp_path);
  if (!temp) {
    return tl::unexpected(temp.error());
  }
  std::vector<uint8_t> body;
  body.reserve(ids.size() * kAckEntryBytes);
  for (const uint64_t id : ids) {
    const auto entry = encode_entry(id);
    body.insert(body.end(), entry.begin(), entry.end());
  }
  if (auto written = temp->write_at(kAckHeaderBytes, {body}); !written) {
    return written;
  }
  if (auto synced = temp->sync_data(); !synced) {
    return synced;
  }
  const auto path = dir_ / kFileName;
  if (::rename(temp_path.c_str(), path.c_str()) != 0) {
    return tl::unexpected(
        errno_error(fmt::format("rename {} to", temp_path.string()), path, errno));
  }
  if (auto synced = dir.sync(); !synced) {
    return synced;
  }
  // The descriptor follows the renamed inode; keep the path it now has for messages.
  auto reopened = PosixFile::open(path, O_RDWR);
  if (!reopened) {
    return tl::unexpected(reopened.error());
  }
  file_ = std::move(*reopened);
  entries_ = ids.size();
  dirty_ = false;
  return {};
}

}  // namespace autograph::spool
