#include "spool/posix_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

#include "autograph/check.hpp"

namespace autograph::spool {

Error errno_error(std::string_view operation, const std::filesystem::path& path, int err) {
  ErrorCode code = ErrorCode::kInternal;
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      code = ErrorCode::kUnavailable;
      break;
    case EACCES:
    case EPERM:
    case EROFS:
    case ENOTDIR:
    case ENOENT:
    case EISDIR:
    case ELOOP:
    case ENAMETOOLONG:
      code = ErrorCode::kFailedPrecondition;
      break;
    default:
      break;
  }
  // std::generic_category().message() is thread-safe, unlike strerror().
  return Error(code, fmt::format("{} {}: {}", operation, path.string(),
                                 std::generic_category().message(err)));
}

PosixFile::PosixFile(PosixFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

PosixFile& PosixFile::operator=(PosixFile&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

PosixFile::~PosixFile() { close(); }

void PosixFile::close() noexcept {
  if (fd_ >= 0) {
    // Nothing useful can be done about a failed close of a file that was synced (or is about to
    // be recovered by the next open), so its result is deliberately not examined.
    static_cast<void>(::close(fd_));
    fd_ = -1;
  }
}

Result<PosixFile> PosixFile::open(const std::filesystem::path& path, int flags, mode_t mode) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return tl::unexpected(errno_error("open", path, errno));
  }
  return PosixFile(fd, path);
}

Result<void> PosixFile::write_at(uint64_t offset,
                                 std::initializer_list<std::span<const uint8_t>> parts) {
  AG_CHECK(is_open(), "write_at on a closed file");
  AG_CHECK(parts.size() <= 4, "write_at takes at most four parts");
  std::array<iovec, 4> iov{};
  int count = 0;
  for (const auto& part : parts) {
    if (!part.empty()) {
      // pwritev takes non-const iovecs but only reads through them.
      iov[static_cast<size_t>(count)] = {const_cast<uint8_t*>(part.data()), part.size()};
      ++count;
    }
  }
  int first = 0;
  while (first < count) {
    const ssize_t written =
        ::pwritev(fd_, &iov[static_cast<size_t>(first)], count - first, static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return tl::unexpected(
          errno_error(fmt::format("write at offset {} to", offset), path_, errno));
    }
    offset += static_cast<uint64_t>(written);
    auto left = static_cast<size_t>(written);
    while (first < count && left >= iov[static_cast<size_t>(first)].iov_len) {
      left -= iov[static_cast<size_t>(first)].iov_len;
      ++first;
    }
    if (first < count) {
      iovec& partial = iov[static_cast<size_t>(first)];
      partial.iov_base = static_cast<uint8_t*>(partial.iov_base) + left;
      partial.iov_len -= left;
    }
  }
  return {};
}

Result<size_t> PosixFile::read_at(uint64_t offset, std::span<uint8_t> out) const {
  AG_CHECK(is_open(), "read_at on a closed file");
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t got =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return tl::unexpected(
          errno_error(fmt::format("read at offset {} from", offset + done), path_, errno));
    }
    if (got == 0) {
      break;
    }
    done += static_cast<size_t>(got);
  }
  return done;
}

Result<uint64_t> PosixFile::size() const {
  AG_CHECK(is_open(), "size on a closed file");
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    return tl::unexpected(errno_error("fstat", path_, errno));
  }
  return static_cast<uint64_t>(info.st_size);
}

Result<void> PosixFile::truncate(uint64_t size) {
  AG_CHECK(is_open(), "truncate on a closed file");
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return tl::unexpected(errno_error(fmt::format("truncate to {} bytes", size), path_, errno));
  }
  return {};
}

Result<void> PosixFile::sync_data() {
  AG_CHECK(is_open(), "sync_data on a closed file");
  if (::fdatasync(fd_) != 0) {
    return tl::unexpected(errno_error("fdatasync", path_, errno));
  }
  return {};
}

Result<void> PosixFile::sync() {
  AG_CHECK(is_open(), "sync on a closed file");
  if (::fsync(fd_) != 0) {
    return tl::unexpected(errno_error("fsync", path_, errno));
  }
  return {};
}

Result<void> PosixFile::lock_exclusive() {
  AG_CHECK(is_open(), "lock on a closed file");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return fail(ErrorCode::kFailedPrecondition,
                  "lock {}: already in use by another spool (this or another process)",
                  path_.string());
    }
    return tl::unexpected(errno_error("flock", path_, errno));
  }
  return {};
}

}  // namespace autograph::spool
