#include "autograph/can/candump_reader.hpp"

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

constexpr size_t kMinBufferSize = 256;

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

}  // namespace

CandumpReader::CandumpReader(std::string name, BusTable buses, CandumpReaderOptions options)
    : name_(std::move(name)), buses_(std::move(buses)), options_(options) {}

Result<CandumpReader> CandumpReader::open(const std::string& path, BusTable buses,
                                          CandumpReaderOptions options) {
  AG_CHECK(options.buffer_size >= kMinBufferSize, "CandumpReader buffer_size below 256");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "{}: cannot open: {}", path, errno_text(errno));
  }
  // Captures are read once, front to back: let the kernel read ahead generously. Only a hint.
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  CandumpReader reader(path, std::move(buses), options);
  reader.fd_ = fd;
  reader.buffer_ = std::make_unique_for_overwrite<char[]>(options.buffer_size);
  reader.pos_ = reader.buffer_.get();
  reader.end_ = reader.pos_;
  reader.eof_ = false;
  return reader;
}

CandumpReader CandumpReader::from_memory(std::string_view text, std::string name, BusTable buses,
                                         CandumpReaderOptions options) {
  CandumpReader reader(std::move(name), std::move(buses), options);
  reader.pos_ = text.data();
  reader.end_ = text.data() + text.size();
  return reader;
}

CandumpReader::CandumpReader(CandumpReader&& other) noexcept
    : name_(std::move(other.name_)),
      buses_(std::move(other.buses_)),
      options_(other.options_),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      pos_(other.pos_),
      end_(other.end_),
      eof_(other.eof_),
      discarding_(other.discarding_),
      line_number_(other.line_number_),
      skipped_(other.skipped_),
      first_skipped_(std::move(other.first_skipped_)) {}

CandumpReader& CandumpReader::operator=(CandumpReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      (void)::close(fd_);  // read-only: nothing can be lost on close
    }
    name_ = std::move(other.name_);
    buses_ = std::move(other.buses_);
    options_ = other.options_;
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    pos_ = other.pos_;
    end_ = other.end_;
    eof_ = other.eof_;
    discarding_ = other.discarding_;
    line_number_ = other.line_number_;
    skipped_ = other.skipped_;
    first_skipped_ = std::move(other.first_skipped_);
  }
  return *this;
}

CandumpReader::~CandumpReader() {
  if (fd_ >= 0) {
    (void)::close(fd_);  // read-only: nothing can be lost on close
  }
}

Result<void> CandumpReader::refill() {
  const auto rest = static_cast<size_t>(end_ - pos_);
  std::memmove(buffer_.get(), pos_, rest);
  pos_ = buffer_.get();
  end_ = pos_ + rest;
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.get() + rest, options_.buffer_size - rest);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return fail(ErrorCode::kUnavailable, "{}: read failed after line {}: {}", name_, line_number_,
                  errno_text(errno));
    }
    if (n == 0) {
      eof_ = true;
      (void)::close(std::exchange(fd_, -1));  // read-only: nothing can be lost on close
    }
    end_ += n;
    return {};
  }
}

Result<bool> CandumpReader::next_line(std::string_view& line, bool& too_long) {
  for (;;) {
    const auto available = static_cast<size_t>(end_ - pos_);
    // memchr needs a valid pointer even for 0 bytes, and empty memory input may have none.
    const auto* newline =
        available == 0 ? nullptr : static_cast<const char*>(std::memchr(pos_, '\n', available));
    if (newline != nullptr) {
      const char* start = std::exchange(pos_, newline + 1);
      if (std::exchange(discarding_, false)) {
        continue;  // the end of an overlong line, already reported
      }
      ++line_number_;
      line = std::string_view(start, static_cast<size_t>(newline - start));
      return true;
    }
    if (discarding_) {
      pos_ = end_;  // still inside an overlong line, already reported
      if (eof_) {
        discarding_ = false;
        return false;
      }
    } else if (eof_) {
      if (available == 0) {
        return false;
      }
      ++line_number_;
      line = std::string_view(pos_, available);  // last line, without '\n'
      pos_ = end_;
      return true;
    } else if (available == options_.buffer_size) {
      ++line_number_;
      discarding_ = true;
      pos_ = end_;
      too_long = true;
      return true;
    }
    if (Result<void> read = refill(); !read) {
      return tl::unexpected(read.error());
    }
  }
}

Result<bool> CandumpReader::handle_bad_line(uint32_t column, std::string_view reason) {
  std::string message = fmt::format("{}:{}:{}: {}", name_, line_number_, column, reason);
  if (!options_.skip_bad_lines) {
    return tl::unexpected(Error(ErrorCode::kMalformed, std::move(message)));
  }
  if (skipped_++ == 0) {
    first_skipped_ = std::move(message);
  }
  return true;
}

Result<bool> CandumpReader::next(CanFrame& frame) {
  for (;;) {
    std::string_view line;
    bool too_long = false;
    Result<bool> got = next_line(line, too_long);
    if (!got || !*got) {
      return got;
    }
    if (too_long) {
      const std::string reason =
          fmt::format("line longer than the read buffer ({} bytes)", options_.buffer_size);
      if (Result<bool> handled = handle_bad_line(1, reason); !handled) {
        return handled;
      }
      continue;
    }
    const CandumpLineScan scan = scan_candump_line(line, buses_, frame);
    if (scan.kind == CandumpLineKind::kFrame) [[likely]] {
      return true;
    }
    if (scan.kind == CandumpLineKind::kError) {
      if (Result<bool> handled = handle_bad_line(scan.column, scan.reason); !handled) {
        return handled;
      }
    }
  }
}

}  // namespace autograph::can
