#include "pipeline/storage_worker.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "pipeline/pipeline_logger.hpp"
#include "pipeline/status_reporter.hpp"
#include "pipeline/stream_cursor_file.hpp"

namespace autograph::pipeline {

Result<std::unique_ptr<StorageWorker>> StorageWorker::create(BoundedQueue<OutgoingBatch>& queue,
                                                             StorageOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(options.state_dir / "streams", ec);
  if (ec) {
    return fail(ErrorCode::kUnavailable, "{}: cannot create: {}",
                (options.state_dir / "streams").string(), ec.message());
  }
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "eventfd: {}", std::strerror(errno));
  }
  return std::unique_ptr<StorageWorker>(new StorageWorker(queue, std::move(options), fd));
}

StorageWorker::StorageWorker(BoundedQueue<OutgoingBatch>& queue, StorageOptions options,
                             int event_fd)
    : queue_(queue),
      options_(std::move(options)),
      event_fd_(event_fd),
      publishers_(std::make_unique<PublisherSet>(
          options_.session, clock_,
          [this](const std::string& stream) { return spool_for(stream); })) {}

StorageWorker::~StorageWorker() {
  if (thread_.joinable()) {
    (void)stop();
  }
  ::close(event_fd_);
}

std::filesystem::path StorageWorker::cursor_path(const std::string& name) const {
  return options_.state_dir / "streams" / (name + ".cursor");
}

Result<spool::Spool*> StorageWorker::spool_for(const std::string& stream) {
  auto found = spools_.find(stream);
  if (found != spools_.end()) {
    return &found->second;
  }
  spool::SpoolOptions options;
  options.dir = options_.spool_dir / stream;
  options.max_bytes = stream == kStatusStream
                          ? std::min(options_.spool_max_bytes, kStatusSpoolBytes)
                          : options_.spool_max_bytes;
  options.segment_bytes = std::min<uint64_t>(options.segment_bytes, options.max_bytes / 4);
  options.fsync = options_.fsync;
  Result<spool::Spool> opened = spool::Spool::open(options);
  if (!opened) {
    return tl::unexpected(opened.error());
  }
  return &spools_.emplace(stream, std::move(*opened)).first->second;
}

Result<void> StorageWorker::store(const OutgoingBatch& batch) {
  Result<spool::Spool*> spool = spool_for(batch.stream);
  if (!spool) {
    return tl::unexpected(spool.error());
  }
  const std::string& text = batch.batch.envelope;
  Result<uint64_t> id = (*spool)->append(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  if (!id) {
    return tl::unexpected(id.error().with_context(fmt::format("stream {}", batch.stream)));
  }
  const uint64_t evicted = (*spool)->take_evicted();
  if (batch.stream != kStatusStream) {
    spool_drops_.fetch_add(evicted, std::memory_order_relaxed);
    unreported_spool_drops_.fetch_add(evicted, std::memory_order_relaxed);
  }
  // After the append: the cursor never runs ahead of what is on flash.
  if (Result<void> saved = StreamCursorFile(cursor_path(batch.stream)).save(batch.cursor); !saved) {
    return saved;
  }
  stored_.fetch_add(1, std::memory_order_relaxed);
  return {};
}

Result<void> StorageWorker::drain() {
  OutgoingBatch batch;
  while (queue_.try_pop(batch)) {
    if (Result<void> stored = store(batch); !stored) {
      pipeline_logger()->error("batch seq {} of stream {} not stored: {}", batch.batch.seq,
                               batch.stream, stored.error().message());
      if (!first_error_) {
        first_error_ = stored.error();
      }
    }
  }
  if (first_error_) {
    return tl::unexpected(*first_error_);
  }
  return {};
}

void StorageWorker::set_targets(std::vector<PublishTarget> targets) {
  {
    const std::lock_guard lock(mailbox_mutex_);
    new_targets_ = std::move(targets);
  }
  const uint64_t one = 1;
  (void)!::write(event_fd_, &one, sizeof one);
}

std::vector<SpoolDepth> StorageWorker::spool_depths() const {
  const std::lock_guard lock(mailbox_mutex_);
  return spool_depths_;
}

std::vector<EndpointStatus> StorageWorker::endpoint_status() const {
  const std::lock_guard lock(mailbox_mutex_);
  return endpoint_status_;
}

void StorageWorker::take_targets() {
  std::optional<std::vector<PublishTarget>> targets;
  {
    const std::lock_guard lock(mailbox_mutex_);
    targets.swap(new_targets_);
  }
  if (targets) {
    if (options_.status_target) {
      targets->push_back(*options_.status_target);
    }
    publishers_->set_targets(*targets);
  }
}

bool StorageWorker::wait(std::chrono::steady_clock::time_point limit, int cancel_fd) {
  std::vector<pollfd> fds{{event_fd_, POLLIN, 0}};
  if (cancel_fd >= 0) {
    fds.push_back({cancel_fd, POLLIN, 0});
  }
  const auto now = clock_.now();
  auto wake = std::min(limit, now + kPollInterval);
  publishers_->add_poll_fds(fds, wake);
  const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
  (void)::poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(wait_ms, 0)));
  uint64_t count = 0;
  (void)!::read(event_fd_, &count, sizeof count);  // clears readiness only
  return cancel_fd >= 0 && (fds[1].revents & POLLIN) != 0;
}

void StorageWorker::publish_pass() {
  publishers_->run();
  std::vector<EndpointStatus> status = publishers_->status();
  std::vector<SpoolDepth> depths;
  for (const auto& [name, spool] : spools_) {
    const spool::SpoolStats stats = spool.stats();
    depths.push_back({name, stats.pending_records, stats.pending_bytes});
  }
  const std::lock_guard lock(mailbox_mutex_);
  endpoint_status_ = std::move(status);
  spool_depths_ = std::move(depths);
}

void StorageWorker::finish() {
  using std::chrono::steady_clock;
  (void)drain();  // errors are logged and kept for stop()
  const auto give_up = clock_.now() + drain_timeout_;
  bool cancelled = false;
  while (!cancelled && !publishers_->drained() && clock_.now() < give_up) {
    cancelled = wait(give_up, cancel_fd_);
    take_targets();
    (void)drain();
    publish_pass();
  }
  if (!publishers_->drained()) {
    pipeline_logger()->info("stopping with batches not yet delivered; they stay in the spool");
  }
  publishers_->disconnect_all();
  const auto cut = clock_.now() + kDisconnectTimeout;
  while (!publishers_->stopped() && clock_.now() < cut) {
    (void)wait(cut, -1);
    publish_pass();
  }
}

void StorageWorker::loop() {
  ::pthread_setname_np(::pthread_self(), "ag-publisher");
  if (options_.control) {
    publishers_->set_control(*options_.control);
  }
  if (options_.status_target) {
    // Until the first policy's targets arrive (they bring the status target along).
    publishers_->set_targets({*options_.status_target});
  }
  while (!stopping_.load(std::memory_order_acquire)) {
    take_targets();
    (void)drain();  // errors are logged and kept for stop()
    publish_pass();
    (void)wait(std::chrono::steady_clock::time_point::max(), -1);
  }
  finish();
}

void StorageWorker::start() {
  thread_ = std::thread([this] { loop(); });
}

Result<void> StorageWorker::stop(std::chrono::milliseconds drain_timeout, int cancel_fd) {
  drain_timeout_ = drain_timeout;
  cancel_fd_ = cancel_fd;
  stopping_.store(true, std::memory_order_release);
  const uint64_t one = 1;
  (void)!::write(event_fd_, &one, sizeof one);
  if (thread_.joinable()) {
    thread_.join();
  }
  Result<void> drained = drain();
  for (auto& [name, spool] : spools_) {
    if (Result<void> flushed = spool.flush(); !flushed && drained) {
      drained = tl::unexpected(flushed.error());
    }
  }
  return drained;
}

}  // namespace autograph::pipeline
