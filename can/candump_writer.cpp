#include "autograph/can/candump_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "autograph/can/candump_line.hpp"
#include "autograph/check.hpp"

namespace autograph::can {
namespace {

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

}  // namespace

CandumpWriter::CandumpWriter(std::string path, BusTable buses, int fd)
    : path_(std::move(path)),
      buses_(std::move(buses)),
      fd_(fd),
      buffer_(std::make_unique_for_overwrite<char[]>(kBufferSize)) {}

Result<CandumpWriter> CandumpWriter::create(const std::string& path, BusTable buses) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "{}: cannot create: {}", path, errno_text(errno));
  }
  return CandumpWriter(path, std::move(buses), fd);
}

CandumpWriter::CandumpWriter(CandumpWriter&& other) noexcept
    : path_(std::move(other.path_)),
      buses_(std::move(other.buses_)),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      used_(std::exchange(other.used_, 0)) {}

CandumpWriter& CandumpWriter::operator=(CandumpWriter&& other) noexcept {
  if (this != &other) {
    (void)close();  // as the destructor: a caller who cares closed this writer first
    path_ = std::move(other.path_);
    buses_ = std::move(other.buses_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    used_ = std::exchange(other.used_, 0);
  }
  return *this;
}

CandumpWriter::~CandumpWriter() {
  (void)close();  // documented: callers who need to know call close() themselves
}

Result<void> CandumpWriter::write(const CanFrame& frame, std::string_view iface) {
  AG_CHECK(fd_ >= 0, "CandumpWriter::write after close");
  if (kBufferSize - used_ < kMaxCandumpLineLength + 1) {
    if (Result<void> flushed = flush(); !flushed) {
      return flushed;
    }
  }
  used_ += format_candump_line(frame, iface, buffer_.get() + used_);
  buffer_[used_++] = '\n';
  return {};
}

Result<void> CandumpWriter::write(const CanFrame& frame) {
  return write(frame, buses_.name(frame.bus));
}

Result<void> CandumpWriter::flush() {
  size_t done = 0;
  while (done < used_) {
    const ssize_t n = ::write(fd_, buffer_.get() + done, used_ - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int error = errno;
      std::memmove(buffer_.get(), buffer_.get() + done, used_ - done);
      used_ -= done;
      return fail(ErrorCode::kUnavailable, "{}: write failed: {}", path_, errno_text(error));
    }
    done += static_cast<size_t>(n);
  }
  used_ = 0;
  return {};
}

Result<void> CandumpWriter::close() {
  if (fd_ < 0) {
    return {};
  }
  Result<void> flushed = flush();
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 && flushed) {
    return fail(ErrorCode::kUnavailable, "{}: close failed: {}", path_, errno_text(errno));
  }
  return flushed;
}

}  // namespace autograph::can
