#include "pipeline/stream_cursor_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

#include "autograph/signing/hex.hpp"

namespace autograph::pipeline {
namespace {

constexpr std::string_view kMagic = "autograph-cursor 1 ";
constexpr size_t kMaxFileBytes = 256;

Result<void> write_all(int fd, std::string_view text, const std::filesystem::path& path) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return fail(ErrorCode::kUnavailable, "{}: write failed: {}", path.string(),
                  std::strerror(errno));
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<void> fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "{}: cannot open directory: {}", dir.string(),
                std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) {
    return fail(ErrorCode::kUnavailable, "{}: fsync failed: {}", dir.string(),
                std::strerror(saved));
  }
  return {};
}

Result<signing::StreamCursor> parse(std::string_view text, const std::filesystem::path& path) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::kDataLoss, "{}: not a stream cursor ({})", path.string(), why);
  };
  if (text.substr(0, kMagic.size()) != kMagic) {
    return bad("missing \"autograph-cursor 1\" header");
  }
  text.remove_prefix(kMagic.size());
  signing::StreamCursor cursor;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cursor.next_seq);
  if (ec != std::errc{} || end == text.data()) {
    return bad("bad next_seq");
  }
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  if (text.size() != 3 + 64 + 1 || text.substr(0, 3) != " 0x" || text.back() != '\n') {
    return bad("bad prev hash or line end");
  }
  if (Result<void> hex = signing::decode_hex(text.substr(3, 64), cursor.prev, "prev"); !hex) {
    return bad(hex.error().message());
  }
  return cursor;
}

}  // namespace

Result<signing::StreamCursor> StreamCursorFile::load() const {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return signing::StreamCursor{};
    }
    return fail(ErrorCode::kUnavailable, "{}: cannot open: {}", path_.string(),
                std::strerror(errno));
  }
  char buffer[kMaxFileBytes];
  size_t size = 0;
  while (size < sizeof buffer) {
    const ssize_t n = ::read(fd, buffer + size, sizeof buffer - size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return fail(ErrorCode::kUnavailable, "{}: read failed: {}", path_.string(),
                  std::strerror(saved));
    }
    if (n == 0) {
      break;
    }
    size += static_cast<size_t>(n);
  }
  ::close(fd);
  return parse(std::string_view(buffer, size), path_);
}

Result<void> StreamCursorFile::save(const signing::StreamCursor& cursor) const {
  const std::string line =
      fmt::format("{}{} {}\n", kMagic, cursor.next_seq, signing::to_0x_hex(cursor.prev));
  std::filesystem::path temp = path_;
  temp += ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "{}: cannot create: {}", temp.string(),
                std::strerror(errno));
  }
  Result<void> written = write_all(fd, line, temp);
  if (written && ::fsync(fd) != 0) {
    written =
        fail(ErrorCode::kUnavailable, "{}: fsync failed: {}", temp.string(), std::strerror(errno));
  }
  ::close(fd);
  if (!written) {
    return written;
  }
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    return fail(ErrorCode::kUnavailable, "{}: rename to {} failed: {}", temp.string(),
                path_.string(), std::strerror(errno));
  }
  const std::filesystem::path dir = path_.has_parent_path() ? path_.parent_path() : ".";
  return fsync_directory(dir);
}

}  // namespace autograph::pipeline
