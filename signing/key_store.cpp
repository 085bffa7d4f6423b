#include "autograph/signing/key_store.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <string_view>

#include "autograph/signing/hex.hpp"

namespace autograph::signing {
namespace {

constexpr size_t kHexSize = 2 * SecretKey::kSize;

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// A buffer for the key's hex text that is wiped however the function returns.
template <size_t N>
struct WipedBuffer {
  std::array<char, N> data{};
  WipedBuffer() = default;
  WipedBuffer(const WipedBuffer&) = delete;
  WipedBuffer& operator=(const WipedBuffer&) = delete;
  ~WipedBuffer() { explicit_bzero(data.data(), data.size()); }
};

std::string system_error(std::string_view what, const std::filesystem::path& path) {
  return fmt::format("{} {}: {}", what, path.string(), std::strerror(errno));
}

Result<void> write_all(int fd, std::span<const char> bytes, const std::filesystem::path& path) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return fail(ErrorCode::kUnavailable, "{}", system_error("cannot write", path));
    }
    written += static_cast<size_t>(n);
  }
  return {};
}

Result<void> fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return fail(ErrorCode::kUnavailable, "{}", system_error("cannot fsync directory", dir));
  }
  return {};
}

// Writes the key's hex text to a new 0600 temporary file in `dir`; returns its path.
Result<std::filesystem::path> write_temporary(const std::filesystem::path& dir,
                                              const SecretKey& key) {
  std::string name = (dir / ".device.key.XXXXXX").string();
  FileDescriptor fd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    return fail(ErrorCode::kUnavailable, "{}", system_error("cannot create a file in", dir));
  }
  const std::filesystem::path temporary(name);
  WipedBuffer<kHexSize + 1> text;
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto bytes = key.bytes();
  for (size_t i = 0; i < bytes.size(); ++i) {
    text.data[2 * i] = kDigits[bytes[i] >> 4];
    text.data[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  text.data[kHexSize] = '\n';
  Result<void> written;
  if (::fchmod(fd.get(), 0600) != 0) {
    written = fail(ErrorCode::kUnavailable, "{}", system_error("cannot chmod", temporary));
  } else {
    written = write_all(fd.get(), text.data, temporary);
  }
  if (written && ::fsync(fd.get()) != 0) {
    written = fail(ErrorCode::kUnavailable, "{}", system_error("cannot fsync", temporary));
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return tl::unexpected(written.error());
  }
  return temporary;
}

Result<void> ensure_directory(const std::filesystem::path& dir) {
  std::error_code error;
  if (std::filesystem::is_directory(dir, error)) {
    return {};
  }
  std::filesystem::create_directories(dir, error);
  if (error) {
    return fail(ErrorCode::kUnavailable, "cannot create directory {}: {}", dir.string(),
                error.message());
  }
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, error);
  if (error) {
    return fail(ErrorCode::kUnavailable, "cannot chmod 700 directory {}: {}", dir.string(),
                error.message());
  }
  return {};
}

// Checks what fstat says about an open key file; returns its size (64 or 65 bytes).
Result<size_t> check_key_file(int fd, const std::filesystem::path& path) {
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    return fail(ErrorCode::kUnavailable, "{}", system_error("cannot stat", path));
  }
  if (!S_ISREG(info.st_mode)) {
    return fail(ErrorCode::kFailedPrecondition,
                "{} is not a regular file; the device key must be a regular file", path.string());
  }
  if ((info.st_mode & 077) != 0) {
    return fail(ErrorCode::kFailedPrecondition,
                "{} has mode {:03o}: group or others may access the device key (fix: chmod 600 "
                "{})",
                path.string(), info.st_mode & 0777, path.string());
  }
  if (info.st_size != static_cast<off_t>(kHexSize) &&
      info.st_size != static_cast<off_t>(kHexSize + 1)) {
    return fail(ErrorCode::kMalformed,
                "{} is {} bytes; a device key file is 64 hex digits and an optional newline",
                path.string(), info.st_size);
  }
  return static_cast<size_t>(info.st_size);
}

}  // namespace

Result<Address> create_key_file(const std::filesystem::path& path) {
  struct stat existing;
  if (::lstat(path.c_str(), &existing) == 0) {
    return fail(ErrorCode::kFailedPrecondition,
                "{} already exists; refusing to overwrite a device key (move it away first if "
                "you really mean to replace the device identity)",
                path.string());
  }
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (auto made = ensure_directory(dir); !made) {
    return tl::unexpected(made.error());
  }
  auto key = SecretKey::generate();
  if (!key) {
    return tl::unexpected(key.error());
  }
  auto temporary = write_temporary(dir, *key);
  if (!temporary) {
    return tl::unexpected(temporary.error());
  }
  // link(2), unlike rename(2), fails with EEXIST instead of replacing a key created meanwhile.
  const int linked = ::link(temporary->c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temporary->c_str());
  if (linked != 0) {
    errno = link_errno;
    if (link_errno == EEXIST) {
      return fail(ErrorCode::kFailedPrecondition,
                  "{} appeared while the key was being written; refusing to overwrite it",
                  path.string());
    }
    return fail(ErrorCode::kUnavailable, "{}", system_error("cannot create", path));
  }
  if (auto synced = fsync_directory(dir); !synced) {
    return tl::unexpected(synced.error());
  }
  return address_of(*key);
}

Result<SecretKey> load_key_file(const std::filesystem::path& path) {
  // O_NOFOLLOW refuses a symlink in the last component; O_NONBLOCK keeps a FIFO planted at the
  // path from blocking the open (fstat then refuses it as not a regular file).
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    if (errno == ELOOP) {
      return fail(ErrorCode::kFailedPrecondition,
                  "{} is a symbolic link; the device key must be a regular file (replace the "
                  "link with the file it points to)",
                  path.string());
    }
    if (errno == ENOENT) {
      return fail(ErrorCode::kUnavailable,
                  "{} does not exist (create a device key with: autograph keygen --key {})",
                  path.string(), path.string());
    }
    return fail(ErrorCode::kUnavailable, "{}", system_error("cannot open", path));
  }
  auto size = check_key_file(fd.get(), path);
  if (!size) {
    return tl::unexpected(size.error());
  }
  WipedBuffer<kHexSize + 2> text;
  ssize_t got = 0;
  do {
    got = ::read(fd.get(), text.data.data(), text.data.size());
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    return fail(ErrorCode::kUnavailable, "{}", system_error("cannot read", path));
  }
  const auto length = static_cast<size_t>(got);
  if (length != *size || (length == kHexSize + 1 && text.data[kHexSize] != '\n')) {
    return fail(ErrorCode::kMalformed,
                "{}: a device key file is 64 hex digits and an optional newline", path.string());
  }
  std::array<uint8_t, SecretKey::kSize> bytes{};
  auto decoded = decode_hex(std::string_view(text.data.data(), kHexSize), bytes, "device key");
  Result<SecretKey> key = decoded ? SecretKey::from_bytes(bytes) : tl::unexpected(decoded.error());
  explicit_bzero(bytes.data(), bytes.size());
  if (!key) {
    return fail(ErrorCode::kMalformed, "{}: {}", path.string(), key.error().message());
  }
  return key;
}

}  // namespace autograph::signing
