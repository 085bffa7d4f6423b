// StorageWorker: the "ag-publisher" thread's storage half: pops signed batches from the
// reactor's queue, appends each to its stream's spool (<spool_dir>/<stream>/) and then persists
// the stream's cursor (<state_dir>/streams/<stream>.cursor), so a restart continues the chain
// after the last batch that reached flash.
//
// Publishing from the spools over MQTT (mqtt::Publisher, one session per grantee endpoint) is
// the other half, run on the same thread; this class only owns the spools and hands them out.
// Spool evictions are logged by the spool at error level, summed in spool_drops(), and handed to
// the reactor through take_unreported_spool_drops() so the next batches report them.
//
// Wake-up: the reactor writes to notify_fd() (an eventfd) after queueing a batch; the worker
// also looks at the queue every kPollInterval in case a wake-up was missed.
//
// Thread: start() runs the loop on a new thread named "ag-publisher"; stop() (any thread)
// drains the queue, flushes the spools and joins.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "autograph/result.hpp"
#include "pipeline/bounded_queue.hpp"
#include "pipeline/outgoing_batch.hpp"
#include "spool/spool.hpp"

namespace autograph::pipeline {

struct StorageOptions {
  std::filesystem::path spool_dir;         // one subdirectory per stream
  std::filesystem::path state_dir;         // cursors under streams/
  uint64_t spool_max_bytes = 64ull << 20;  // per stream
  spool::FsyncPolicy fsync = spool::FsyncPolicy::kEveryRecord;
};

class StorageWorker {
 public:
  static constexpr std::chrono::milliseconds kPollInterval{200};

  // Makes the eventfd and the streams/ directory. `queue` must outlive the worker. Errors:
  // kUnavailable naming what failed.
  [[nodiscard]] static Result<std::unique_ptr<StorageWorker>> create(
      BoundedQueue<OutgoingBatch>& queue, StorageOptions options);
  ~StorageWorker();

  // The eventfd the producer writes 1 to after each push.
  int notify_fd() const noexcept { return event_fd_; }

  void start();
  // Drains what is queued, flushes and joins. Returns the first storage error met since start
  // (after which the worker went on with the other streams), else ok.
  [[nodiscard]] Result<void> stop();

  // Drains the queue once on the calling thread (tests, benchmarks, shutdown). Errors as stop().
  [[nodiscard]] Result<void> drain();

  // Where stream `name`'s cursor is kept.
  std::filesystem::path cursor_path(const std::string& name) const;
  // Batches stored so far; records evicted from full spools so far.
  uint64_t stored() const noexcept { return stored_.load(std::memory_order_relaxed); }
  uint64_t spool_drops() const noexcept { return spool_drops_.load(std::memory_order_relaxed); }
  // Evictions not yet reported in a batch; returns them and starts counting from zero. Any
  // thread (the reactor calls it before closing a batch).
  uint64_t take_unreported_spool_drops() noexcept {
    return unreported_spool_drops_.exchange(0, std::memory_order_relaxed);
  }

 private:
  StorageWorker(BoundedQueue<OutgoingBatch>& queue, StorageOptions options, int event_fd);
  [[nodiscard]] Result<void> store(const OutgoingBatch& batch);
  [[nodiscard]] Result<spool::Spool*> spool_for(const std::string& stream);
  void loop();

  BoundedQueue<OutgoingBatch>& queue_;
  StorageOptions options_;
  int event_fd_ = -1;
  std::map<std::string, spool::Spool> spools_;  // publisher thread (or drain()'s caller)
  std::optional<Error> first_error_;            // publisher thread until joined
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> stored_{0};
  std::atomic<uint64_t> spool_drops_{0};
  std::atomic<uint64_t> unreported_spool_drops_{0};
  std::thread thread_;
};

}  // namespace autograph::pipeline
