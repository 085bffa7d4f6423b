// PosixFile: an owned file descriptor plus the path it was opened from, with the few calls the
// spool needs. Every failure is an Error naming the operation, the path and the errno text, with
// a code chosen by what the caller can do: kUnavailable when the device is full (retry after
// space is freed), kFailedPrecondition when the path is unusable (fix permissions or the
// configuration), kInternal otherwise.
//
// Thread: an instance is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string_view>

#include "autograph/result.hpp"

namespace autograph::spool {

// The Error for a failed system call `operation` on `path` with errno value `err`.
[[nodiscard]] Error errno_error(std::string_view operation, const std::filesystem::path& path,
                                int err);

class PosixFile {
 public:
  PosixFile() = default;
  PosixFile(PosixFile&& other) noexcept;
  PosixFile& operator=(PosixFile&& other) noexcept;
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;
  ~PosixFile();  // closes without syncing; call sync_data() first where durability matters

  // Opens `path` with open(2) `flags` (O_CLOEXEC is always added) and `mode` for O_CREAT.
  [[nodiscard]] static Result<PosixFile> open(const std::filesystem::path& path, int flags,
                                              mode_t mode = 0600);

  bool is_open() const noexcept { return fd_ >= 0; }
  const std::filesystem::path& path() const noexcept { return path_; }

  // Writes all of `parts`, back to back, starting at byte `offset` (pwritev, retried on short
  // writes and EINTR). On error some of the bytes may have been written.
  [[nodiscard]] Result<void> write_at(uint64_t offset,
                                      std::initializer_list<std::span<const uint8_t>> parts);

  // Reads up to out.size() bytes at `offset`; returns the count, short only at end of file.
  [[nodiscard]] Result<size_t> read_at(uint64_t offset, std::span<uint8_t> out) const;

  // The file's size in bytes (fstat).
  [[nodiscard]] Result<uint64_t> size() const;

  // Cuts (or extends with zeros) the file to `size` bytes (ftruncate).
  [[nodiscard]] Result<void> truncate(uint64_t size);

  // fdatasync: the data and the metadata needed to read it back (size) are on the device.
  [[nodiscard]] Result<void> sync_data();

  // fsync: for a directory, makes created, renamed and removed entries durable.
  [[nodiscard]] Result<void> sync();

  // Takes an exclusive advisory lock (flock) without waiting; kFailedPrecondition when another
  // open file description holds it. Released when the file is closed.
  [[nodiscard]] Result<void> lock_exclusive();

  // Closes the descriptor (no-op when closed).
  void close() noexcept;

 private:
  PosixFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::filesystem::path path_;
};

}  // namespace autograph::spool
