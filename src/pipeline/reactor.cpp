#include "pipeline/reactor.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "pipeline/pipeline_logger.hpp"

namespace autograph::pipeline {
namespace {

constexpr uint64_t kNsPerS = 1'000'000'000;
constexpr uint64_t kSignalTag = 0;
constexpr uint64_t kTimerTag = 1;
constexpr uint64_t kFirstSourceTag = 2;
constexpr uint64_t kReloadTag = ~uint64_t{0};
// Read batches taken from one source per wake-up, so that one busy bus can't starve the rest.
constexpr int kRoundsPerWake = 16;

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

uint64_t realtime_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * kNsPerS + static_cast<uint64_t>(ts.tv_nsec);
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

}  // namespace

Result<void> Reactor::block_signals() {
  const sigset_t set = handled_signals();
  const int rc = ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (rc != 0) {
    return fail(ErrorCode::kInternal, "pthread_sigmask: {}", std::strerror(rc));
  }
  return {};
}

Reactor::Reactor(FramePipeline& pipeline, std::vector<std::unique_ptr<FrameSource>> sources,
                 ReactorOptions options)
    : pipeline_(pipeline),
      sources_(std::move(sources)),
      source_dead_(sources_.size(), false),
      kernel_drops_(sources_.size(), 0),
      watched_fds_(sources_.size(), -1),
      options_(std::move(options)),
      frames_(kReadBatch) {}

Reactor::Reactor(Reactor&& other) noexcept
    : pipeline_(other.pipeline_),
      sources_(std::move(other.sources_)),
      source_dead_(std::move(other.source_dead_)),
      kernel_drops_(std::move(other.kernel_drops_)),
      watched_fds_(std::move(other.watched_fds_)),
      options_(std::move(other.options_)),
      epoll_fd_(std::exchange(other.epoll_fd_, -1)),
      timer_fd_(std::exchange(other.timer_fd_, -1)),
      signal_fd_(std::exchange(other.signal_fd_, -1)),
      armed_ns_(other.armed_ns_),
      next_status_ns_(other.next_status_ns_),
      next_tick_ns_(other.next_tick_ns_),
      frames_(std::move(other.frames_)) {}

Reactor::~Reactor() {
  close_fd(epoll_fd_);
  close_fd(timer_fd_);
  close_fd(signal_fd_);
}

Result<void> Reactor::watch(int fd, uint64_t tag) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = tag;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    return fail(ErrorCode::kUnavailable, "epoll_ctl add fd {}: {}", fd, std::strerror(errno));
  }
  return {};
}

Result<Reactor> Reactor::create(FramePipeline& pipeline,
                                std::vector<std::unique_ptr<FrameSource>> sources,
                                ReactorOptions options) {
  Reactor reactor(pipeline, std::move(sources), std::move(options));
  reactor.epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (reactor.epoll_fd_ < 0) {
    return fail(ErrorCode::kUnavailable, "epoll_create1: {}", std::strerror(errno));
  }
  reactor.timer_fd_ = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (reactor.timer_fd_ < 0) {
    return fail(ErrorCode::kUnavailable, "timerfd_create: {}", std::strerror(errno));
  }
  const sigset_t set = handled_signals();
  reactor.signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (reactor.signal_fd_ < 0) {
    return fail(ErrorCode::kUnavailable, "signalfd: {}", std::strerror(errno));
  }
  if (Result<void> r = reactor.watch(reactor.signal_fd_, kSignalTag); !r) {
    return tl::unexpected(r.error());
  }
  if (Result<void> r = reactor.watch(reactor.timer_fd_, kTimerTag); !r) {
    return tl::unexpected(r.error());
  }
  if (reactor.options_.reload_fd >= 0) {
    if (Result<void> r = reactor.watch(reactor.options_.reload_fd, kReloadTag); !r) {
      return tl::unexpected(r.error());
    }
  }
  for (size_t i = 0; i < reactor.sources_.size(); ++i) {
    const int fd = reactor.sources_[i]->fd();
    if (fd < 0) {
      continue;  // a live source that is down: recover() brings it back
    }
    if (Result<void> r = reactor.watch(fd, kFirstSourceTag + i); !r) {
      return tl::unexpected(r.error().with_context(reactor.sources_[i]->name()));
    }
    reactor.watched_fds_[i] = fd;
  }
  return reactor;
}

void Reactor::arm_timer() {
  const uint64_t want =
      std::min({pipeline_.next_deadline_ns(), next_status_ns_, next_tick_ns_, next_recovery_ns()});
  if (want == armed_ns_) {
    return;
  }
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(want / kNsPerS);
  spec.it_value.tv_nsec = static_cast<long>(want % kNsPerS);
  // Cannot fail with a valid fd and a normalised time.
  (void)::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
  armed_ns_ = want;
}

void Reactor::read_source(size_t index) {
  FrameSource& source = *sources_[index];
  for (int round = 0; round < kRoundsPerWake && !source.finished(); ++round) {
    Result<size_t> count = source.read_batch(frames_);
    if (!count) {
      pipeline_logger()->error("frame source {} failed and is left out: {}", source.name(),
                               count.error().message());
      source_dead_[index] = true;
      (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, source.fd(), nullptr);
      return;
    }
    if (*count == 0) {
      break;
    }
    pipeline_.process(std::span<const can::CanFrame>(frames_.data(), *count));
    if (!first_frame_seen_) {
      first_frame_seen_ = true;
      const std::chrono::duration<double, std::milli> since =
          std::chrono::steady_clock::now() - options_.started;
      pipeline_logger()->info("first frame read from {} {:.1f} ms after start", source.name(),
                              since.count());
    }
  }
  sync_watch(index);
  const uint64_t drops = source.counters().kernel_drops;
  if (drops != kernel_drops_[index]) {
    pipeline_.add_kernel_drops(drops - kernel_drops_[index]);
    kernel_drops_[index] = drops;
  }
}

void Reactor::sync_watch(size_t index) {
  const int fd = sources_[index]->fd();
  if (fd == watched_fds_[index]) {
    return;
  }
  if (watched_fds_[index] >= 0) {
    // Fails harmlessly (EBADF, ENOENT) when the source closed it already: closing removes it.
    (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, watched_fds_[index], nullptr);
    watched_fds_[index] = -1;
  }
  if (fd >= 0) {
    if (Result<void> r = watch(fd, kFirstSourceTag + index); !r) {
      pipeline_logger()->error("frame source {} failed and is left out: {}",
                               sources_[index]->name(), r.error().message());
      source_dead_[index] = true;
      return;
    }
    watched_fds_[index] = fd;
  }
}

uint64_t Reactor::next_recovery_ns() const noexcept {
  uint64_t next = UINT64_MAX;
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!source_dead_[i]) {
      next = std::min(next, sources_[i]->recovery_due_ns());
    }
  }
  return next;
}

void Reactor::recover_sources(uint64_t now_ns) {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!source_dead_[i] && sources_[i]->recovery_due_ns() <= now_ns) {
      sources_[i]->recover(now_ns);
      sync_watch(i);
    }
  }
}

void Reactor::on_timer() {
  uint64_t expirations = 0;
  (void)!::read(timer_fd_, &expirations, sizeof expirations);  // clears readiness only
  armed_ns_ = 0;
  const uint64_t now = realtime_ns();
  pipeline_.close_due(now);
  recover_sources(now);
  if (now >= next_tick_ns_) {
    next_tick_ns_ = now + static_cast<uint64_t>(options_.tick_interval.count()) * 1'000'000;
    if (options_.on_tick) {
      options_.on_tick();
    }
  }
  if (now >= next_status_ns_) {
    next_status_ns_ = now + static_cast<uint64_t>(options_.status_interval.count()) * 1'000'000;
    if (options_.on_status) {
      options_.on_status();
    }
  }
}

bool Reactor::on_signal() {
  signalfd_siginfo info{};
  bool keep_running = true;
  while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (info.ssi_signo == SIGHUP) {
      pipeline_logger()->info("SIGHUP: reloading the policy");
      if (options_.on_reload) {
        options_.on_reload();
      }
    } else {
      pipeline_logger()->info("signal {}: closing open batches and stopping", info.ssi_signo);
      if (keep_running && options_.on_stopping) {
        options_.on_stopping();
      }
      keep_running = false;
    }
  }
  return keep_running;
}

void Reactor::on_reload_fd() {
  uint64_t count = 0;
  (void)!::read(options_.reload_fd, &count, sizeof count);  // clears readiness only
  pipeline_logger()->info("a new policy was installed: reloading the policy");
  if (options_.on_reload) {
    options_.on_reload();
  }
}

bool Reactor::all_sources_finished() const noexcept {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (!source_dead_[i] && !sources_[i]->finished()) {
      return false;
    }
  }
  return true;
}

Result<void> Reactor::run() {
  ::pthread_setname_np(::pthread_self(), "ag-reactor");
  const uint64_t start_ns = realtime_ns();
  next_status_ns_ = start_ns + static_cast<uint64_t>(options_.status_interval.count()) * 1'000'000;
  if (options_.tick_interval.count() > 0) {
    next_tick_ns_ = start_ns;  // the first tick at once
  }
  bool running = true;
  epoll_event events[16];
  while (running) {
    if (options_.stop_when_sources_end && all_sources_finished()) {
      break;
    }
    arm_timer();
    const int n = ::epoll_wait(epoll_fd_, events, 16, -1);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      pipeline_.close_all();
      return fail(ErrorCode::kUnavailable, "epoll_wait: {}", std::strerror(errno));
    }
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kSignalTag) {
        running = on_signal() && running;
      } else if (tag == kTimerTag) {
        on_timer();
      } else if (tag == kReloadTag) {
        on_reload_fd();
      } else if (running) {
        read_source(static_cast<size_t>(tag - kFirstSourceTag));
      }
    }
  }
  pipeline_.close_all();
  return {};
}

}  // namespace autograph::pipeline
