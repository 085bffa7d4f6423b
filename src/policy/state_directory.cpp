#include "policy/state_directory.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>

#include <fmt/format.h>

namespace autograph::policy {
namespace {

constexpr std::string_view kOwnerFile = "owner";
constexpr std::string_view kVersionFile = "highest-version";
constexpr std::string_view kPolicyFile = "policy-in-force.json";

std::string system_error(int error) { return std::generic_category().message(error); }

// Closes `fd` when the scope ends, unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) {
      (void)::close(fd_);  // a close error after fsync cannot lose data already synced
    }
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

Result<StateDirectory> StateDirectory::open(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) {
    std::filesystem::create_directories(dir, error);
    if (error) {
      return fail(ErrorCode::kFailedPrecondition, "state directory {}: cannot create: {}",
                  dir.string(), error.message());
    }
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
    if (error) {
      return fail(ErrorCode::kFailedPrecondition, "state directory {}: cannot set mode 0700: {}",
                  dir.string(), error.message());
    }
  }
  if (!std::filesystem::is_directory(dir, error)) {
    return fail(ErrorCode::kFailedPrecondition, "state directory {}: not a directory",
                dir.string());
  }
  return StateDirectory(dir);
}

Result<std::optional<std::string>> StateDirectory::read_file(std::string_view name,
                                                             size_t max_bytes) const {
  const std::filesystem::path path = dir_ / name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) {
      return std::optional<std::string>();
    }
    return fail(ErrorCode::kUnavailable, "{}: cannot open: {}", path.string(), system_error(errno));
  }
  FdCloser closer(fd);
  std::string bytes;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(ErrorCode::kUnavailable, "{}: read failed: {}", path.string(),
                  system_error(errno));
    }
    if (n == 0) {
      break;
    }
    bytes.append(buffer, static_cast<size_t>(n));
    if (bytes.size() > max_bytes) {
      return fail(ErrorCode::kDataLoss, "{}: larger than {} bytes; the file is damaged",
                  path.string(), max_bytes);
    }
  }
  return std::optional<std::string>(std::move(bytes));
}

Result<void> StateDirectory::write_file_atomically(std::string_view name,
                                                   std::string_view bytes) const {
  const std::filesystem::path path = dir_ / name;
  const std::filesystem::path temporary = dir_ / fmt::format(".{}.tmp.{}", name, ::getpid());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "{}: cannot create: {}", temporary.string(),
                system_error(errno));
  }
  FdCloser closer(fd);
  const auto failed = [&](std::string_view what) {
    const int error = errno;
    (void)::unlink(temporary.c_str());
    return fail(ErrorCode::kUnavailable, "{}: {} failed: {}", path.string(), what,
                system_error(error));
  };
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return failed("write");
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    return failed("fsync");
  }
  if (::close(closer.release()) != 0) {
    return failed("close");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return failed("rename");
  }
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return fail(ErrorCode::kUnavailable, "{}: cannot open to sync: {}", dir_.string(),
                system_error(errno));
  }
  FdCloser dir_closer(dir_fd);
  if (::fsync(dir_fd) != 0) {
    return fail(ErrorCode::kUnavailable, "{}: fsync failed: {}", dir_.string(),
                system_error(errno));
  }
  return {};
}

Result<std::optional<signing::Address>> StateDirectory::read_owner() const {
  auto text = read_file(kOwnerFile, 64);
  if (!text) {
    return tl::unexpected(text.error());
  }
  if (!*text) {
    return std::optional<signing::Address>();
  }
  std::string_view address = **text;
  if (address.ends_with('\n')) {
    address.remove_suffix(1);
  }
  auto owner = signing::Address::parse(address);
  if (!owner) {
    return fail(ErrorCode::kDataLoss, "{}: damaged ({}); pair the device again",
                (dir_ / kOwnerFile).string(), owner.error().message());
  }
  return std::optional<signing::Address>(*owner);
}

Result<void> StateDirectory::write_owner(const signing::Address& owner) const {
  return write_file_atomically(kOwnerFile, owner.to_checksum_hex() + "\n");
}

Result<uint64_t> StateDirectory::read_highest_version() const {
  auto text = read_file(kVersionFile, 32);
  if (!text) {
    return tl::unexpected(text.error());
  }
  if (!*text) {
    return uint64_t{0};
  }
  const std::string& digits = **text;
  uint64_t version = 0;
  const char* end = digits.data() + digits.size();
  const auto parsed = std::from_chars(digits.data(), end, version);
  if (parsed.ec != std::errc() || digits.empty() || digits[0] < '0' || digits[0] > '9' ||
      std::string_view(parsed.ptr, static_cast<size_t>(end - parsed.ptr)) != "\n") {
    return fail(ErrorCode::kDataLoss,
                "{}: damaged (expected a decimal number and a newline); restore it from a backup "
                "or write the highest version you know was accepted",
                (dir_ / kVersionFile).string());
  }
  return version;
}

Result<void> StateDirectory::write_highest_version(uint64_t version) const {
  return write_file_atomically(kVersionFile, fmt::format("{}\n", version));
}

Result<std::optional<std::string>> StateDirectory::read_policy_in_force() const {
  return read_file(kPolicyFile, 4 << 20);
}

Result<void> StateDirectory::write_policy_in_force(std::string_view envelope) const {
  return write_file_atomically(kPolicyFile, envelope);
}

Result<void> StateDirectory::remove_policy_in_force() const {
  const std::filesystem::path path = dir_ / kPolicyFile;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return fail(ErrorCode::kUnavailable, "{}: cannot remove: {}", path.string(),
                system_error(errno));
  }
  return {};
}

}  // namespace autograph::policy
