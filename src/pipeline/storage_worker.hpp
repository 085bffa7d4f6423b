// StorageWorker: the "ag-publisher" thread: pops signed batches from the reactor's queue,
// appends each to its stream's spool (<spool_dir>/<stream>/) and then persists the stream's
// cursor (<state_dir>/streams/<stream>.cursor), so a restart continues the chain after the last
// batch that reached flash; and publishes the spools over MQTT-TLS (PublisherSet: one session
// per endpoint, one publisher per stream, QoS 1, PUBACK trims the spool).
//
// Which streams go where: set_targets() (any thread; the reactor calls it after applying a
// policy) leaves the new set in a mutex-guarded mailbox and wakes the thread, which takes it
// between two batches. Spool evictions are logged by the spool at error level, summed in
// spool_drops(), and handed to the reactor through take_unreported_spool_drops() so the next
// batches report them.
//
// Wake-up: the thread sleeps in one poll() over notify_fd() (an eventfd the reactor writes to
// after queueing a batch) and the sessions' sockets, until the next session timer; it also
// looks at the queue every kPollInterval in case a wake-up was missed. Idle, it costs nothing.
//
// Thread: start() runs the loop on a new thread named "ag-publisher"; stop() (any thread)
// drains the queue, publishes for at most its drain timeout, DISCONNECTs, flushes the spools
// and joins.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "autograph/result.hpp"
#include "mqtt/clock.hpp"
#include "mqtt/session_options.hpp"
#include "pipeline/bounded_queue.hpp"
#include "pipeline/outgoing_batch.hpp"
#include "pipeline/publish_target.hpp"
#include "pipeline/publisher_set.hpp"
#include "pipeline/status_event.hpp"
#include "spool/spool.hpp"

namespace autograph::pipeline {

struct StorageOptions {
  std::filesystem::path spool_dir;         // one subdirectory per stream
  std::filesystem::path state_dir;         // cursors under streams/
  uint64_t spool_max_bytes = 64ull << 20;  // per stream
  spool::FsyncPolicy fsync = spool::FsyncPolicy::kEveryRecord;
  // The MQTT session template; client_id is the device address (PublisherSet adds a suffix).
  mqtt::SessionOptions session;
  // With a control endpoint: where the "status" stream goes (added to every target set), and the
  // policy topic's subscription.
  std::optional<PublishTarget> status_target;
  std::optional<ControlTarget> control;
};

// The "status" stream's spool is bounded to this (or spool_max_bytes when smaller); its
// evictions are not data loss of the grantees' streams, so they are not in spool_drops().
inline constexpr uint64_t kStatusSpoolBytes = 1ull << 20;

class StorageWorker {
 public:
  static constexpr std::chrono::milliseconds kPollInterval{200};
  // How long stop() waits for the sessions' DISCONNECT to go out.
  static constexpr std::chrono::milliseconds kDisconnectTimeout{500};

  // Makes the eventfd and the streams/ directory. `queue` must outlive the worker. Errors:
  // kUnavailable naming what failed.
  [[nodiscard]] static Result<std::unique_ptr<StorageWorker>> create(
      BoundedQueue<OutgoingBatch>& queue, StorageOptions options);
  ~StorageWorker();

  // The eventfd the producer writes 1 to after each push.
  int notify_fd() const noexcept { return event_fd_; }

  void start();
  // Stores what is queued; then keeps publishing until every spool with a usable endpoint is
  // empty, `drain_timeout` has passed, or `cancel_fd` (a signalfd, say; -1: none) becomes
  // readable; then DISCONNECTs (waiting at most kDisconnectTimeout), flushes and joins. Returns
  // the first storage error met since start (after which the worker went on with the other
  // streams), else ok. Undelivered batches stay in the spools for the next start.
  [[nodiscard]] Result<void> stop(std::chrono::milliseconds drain_timeout = {}, int cancel_fd = -1);

  // The streams to publish and their endpoints from now on (PublisherSet::set_targets). Any
  // thread; takes effect on the publisher thread between two batches.
  void set_targets(std::vector<PublishTarget> targets);
  // Each endpoint's connection as of the thread's last pass. Any thread.
  std::vector<EndpointStatus> endpoint_status() const;
  // Each open spool's pending records and bytes as of the thread's last pass. Any thread.
  std::vector<SpoolDepth> spool_depths() const;

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
  void take_targets();
  // Polls the eventfd, `cancel_fd` and the sessions until something is ready or `limit`.
  // Returns true when cancel_fd is readable.
  bool wait(std::chrono::steady_clock::time_point limit, int cancel_fd);
  void publish_pass();
  void finish();

  BoundedQueue<OutgoingBatch>& queue_;
  StorageOptions options_;
  int event_fd_ = -1;
  std::map<std::string, spool::Spool> spools_;  // publisher thread (or drain()'s caller)
  std::optional<Error> first_error_;            // publisher thread until joined
  mqtt::SteadyClock clock_;
  std::unique_ptr<PublisherSet> publishers_;  // publisher thread (or stop()'s caller after join)
  mutable std::mutex mailbox_mutex_;
  std::optional<std::vector<PublishTarget>> new_targets_;  // guarded by mailbox_mutex_
  std::vector<EndpointStatus> endpoint_status_;            // guarded by mailbox_mutex_
  std::vector<SpoolDepth> spool_depths_;                   // guarded by mailbox_mutex_
  std::chrono::milliseconds drain_timeout_{};  // written by stop() before stopping_ is set
  int cancel_fd_ = -1;                         // likewise
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> stored_{0};
  std::atomic<uint64_t> spool_drops_{0};
  std::atomic<uint64_t> unreported_spool_drops_{0};
  std::thread thread_;
};

}  // namespace autograph::pipeline
