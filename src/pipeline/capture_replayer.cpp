#include "pipeline/capture_replayer.hpp"

#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

namespace autograph::pipeline {
namespace {

constexpr uint64_t kNsPerS = 1'000'000'000;

uint64_t clock_ns(clockid_t clock) noexcept {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * kNsPerS + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

Result<double> CaptureReplayer::parse_speed(std::string_view text) {
  if (text == "max") {
    return kMaxSpeed;
  }
  double speed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), speed);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(speed) ||
      speed <= 0) {
    return fail(ErrorCode::kMalformed, "--speed: \"{}\" is not \"max\" or a number > 0", text);
  }
  return speed;
}

Result<CaptureReplayer> CaptureReplayer::open(can::CandumpReader reader, double speed) {
  if (!std::isfinite(speed) || speed < 0) {
    return fail(ErrorCode::kMalformed, "replay speed {} is not 0 (max) or > 0", speed);
  }
  const int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "timerfd_create for replay of {}: {}", reader.name(),
                std::strerror(errno));
  }
  CaptureReplayer replayer(std::move(reader), speed, fd);
  if (Result<void> first = replayer.advance(); !first) {
    return tl::unexpected(first.error());
  }
  replayer.first_log_ns_ = replayer.pending_.t_ns;
  replayer.start_ns_ = clock_ns(CLOCK_REALTIME);
  replayer.start_mono_ns_ = clock_ns(CLOCK_MONOTONIC);
  replayer.arm();
  return replayer;
}

CaptureReplayer::CaptureReplayer(can::CandumpReader reader, double speed, int timer_fd)
    : reader_(std::move(reader)), speed_(speed), timer_fd_(timer_fd) {}

CaptureReplayer::CaptureReplayer(CaptureReplayer&& other) noexcept
    : reader_(std::move(other.reader_)),
      speed_(other.speed_),
      timer_fd_(std::exchange(other.timer_fd_, -1)),
      has_pending_(other.has_pending_),
      pending_(other.pending_),
      first_log_ns_(other.first_log_ns_),
      start_ns_(other.start_ns_),
      start_mono_ns_(other.start_mono_ns_),
      counters_(other.counters_) {}

CaptureReplayer::~CaptureReplayer() {
  if (timer_fd_ >= 0) {
    ::close(timer_fd_);
  }
}

Result<void> CaptureReplayer::advance() {
  Result<bool> next = reader_.next(pending_);
  counters_.bad_input = reader_.skipped();
  if (!next) {
    has_pending_ = false;
    return tl::unexpected(next.error());
  }
  has_pending_ = *next;
  return {};
}

uint64_t CaptureReplayer::due_ns() const noexcept {
  // A capture whose clock steps back before its first frame replays those frames at once.
  const uint64_t offset = pending_.t_ns > first_log_ns_ ? pending_.t_ns - first_log_ns_ : 0;
  return start_mono_ns_ + static_cast<uint64_t>(static_cast<double>(offset) / speed_);
}

void CaptureReplayer::arm() noexcept {
  itimerspec spec{};
  if (has_pending_) {
    // Max speed: an absolute time in the past fires at once, keeping the fd readable.
    const uint64_t at = speed_ == kMaxSpeed ? 1 : due_ns();
    spec.it_value.tv_sec = static_cast<time_t>(at / kNsPerS);
    spec.it_value.tv_nsec = static_cast<long>(at % kNsPerS);
  }
  // Cannot fail with a valid fd and a normalised time.
  (void)::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

Result<size_t> CaptureReplayer::read_batch(std::span<can::CanFrame> frames) {
  uint64_t expirations = 0;
  // Only clears readiness: EAGAIN (not fired yet) is fine.
  (void)!::read(timer_fd_, &expirations, sizeof expirations);
  const uint64_t now = speed_ == kMaxSpeed ? 0 : clock_ns(CLOCK_MONOTONIC);
  size_t count = 0;
  while (count < frames.size() && has_pending_) {
    if (speed_ != kMaxSpeed && due_ns() > now) {
      break;
    }
    can::CanFrame& out = frames[count++];
    out = pending_;
    out.t_ns = start_ns_ + (pending_.t_ns > first_log_ns_ ? pending_.t_ns - first_log_ns_ : 0);
    ++counters_.frames;
    ++counters_.frames_per_bus[out.bus];
    if (Result<void> next = advance(); !next) {
      arm();
      return tl::unexpected(next.error());
    }
  }
  arm();
  return count;
}

}  // namespace autograph::pipeline
