// Reactor: the "ag-reactor" thread's loop: epoll over the frame sources, a timerfd for batch
// deadlines and the status event, and a signalfd for SIGTERM, SIGINT and SIGHUP.
//
// Frames go to the FramePipeline a read batch at a time (one virtual call per batch). SIGTERM
// or SIGINT: stop reading, close and sign every open batch (they go into the queue), return.
// SIGHUP, or options.reload_fd readable: call on_reload (the wiring reloads the policy and calls
// apply_policy). Every
// status_interval: call on_status. With stop_when_sources_end (replay), run() also returns once
// every source has finished, after closing the open batches. Every tick_interval (when set):
// call on_tick (the wiring's systemd watchdog ping), so a hung loop stops the pings.
//
// Live sources going down: after each read and each recover() the reactor compares the source's
// fd() with the descriptor it watches, takes a closed one out of epoll and adds a new one; the
// timer also fires at each source's recovery_due_ns() to call recover().
//
// Signals: signalfd only sees signals that no thread takes the usual way, so block_signals()
// must run in the main thread before any other thread starts (threads inherit the mask).
//
// Thread: run() on the thread that owns the pipeline and the sources; it names itself
// "ag-reactor". The callbacks run on that thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "autograph/can/can_frame.hpp"
#include "autograph/result.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/frame_source.hpp"

namespace autograph::pipeline {

struct ReactorOptions {
  bool stop_when_sources_end = false;
  std::chrono::milliseconds status_interval{60'000};
  std::function<void()> on_reload;  // SIGHUP; may be empty
  std::function<void()> on_status;  // every status_interval; may be empty
  // An eventfd (or -1): when readable, it is read (cleared) and on_reload runs, as on SIGHUP.
  // The publisher thread writes to it after installing a policy from the policy topic.
  int reload_fd = -1;
  std::chrono::milliseconds tick_interval{0};  // 0: no ticks
  std::function<void()> on_tick;               // every tick_interval; may be empty
  std::function<void()> on_stopping;           // SIGTERM/SIGINT received; may be empty
  // When the process started: the first frame read is logged with the time since (the
  // start-to-first-frame budget is 100 ms).
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

class Reactor {
 public:
  // Frames read per read_batch() call.
  static constexpr size_t kReadBatch = 256;

  // Blocks SIGTERM, SIGINT and SIGHUP for the calling thread (and threads it starts later).
  // Errors: kInternal when pthread_sigmask fails.
  [[nodiscard]] static Result<void> block_signals();

  // Makes the epoll set, timerfd and signalfd. `pipeline` must outlive the reactor; the sources
  // are owned by it. Errors: kUnavailable naming the call that failed.
  [[nodiscard]] static Result<Reactor> create(FramePipeline& pipeline,
                                              std::vector<std::unique_ptr<FrameSource>> sources,
                                              ReactorOptions options);

  Reactor(Reactor&& other) noexcept;
  Reactor& operator=(Reactor&&) = delete;
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;
  ~Reactor();

  // Runs until SIGTERM/SIGINT (or the end of every source, see options) and closes the open
  // batches. Returns an error (kUnavailable) only when epoll itself fails; a source that fails is
  // logged and left out, and the others go on.
  [[nodiscard]] Result<void> run();

  const std::vector<std::unique_ptr<FrameSource>>& sources() const noexcept { return sources_; }

 private:
  Reactor(FramePipeline& pipeline, std::vector<std::unique_ptr<FrameSource>> sources,
          ReactorOptions options);

  [[nodiscard]] Result<void> watch(int fd, uint64_t tag);
  void read_source(size_t index);
  // Brings epoll in line with source `index`'s fd() (see the header comment).
  void sync_watch(size_t index);
  // Calls recover() on every source whose recovery is due at `now_ns`.
  void recover_sources(uint64_t now_ns);
  uint64_t next_recovery_ns() const noexcept;
  void on_timer();
  // Returns false when the loop should stop.
  bool on_signal();
  void on_reload_fd();
  void arm_timer();
  bool all_sources_finished() const noexcept;

  FramePipeline& pipeline_;
  std::vector<std::unique_ptr<FrameSource>> sources_;
  std::vector<bool> source_dead_;       // by source index: failed and left out
  std::vector<uint64_t> kernel_drops_;  // by source index: last counter seen
  std::vector<int> watched_fds_;        // by source index: the fd in epoll, -1 for none
  bool first_frame_seen_ = false;
  ReactorOptions options_;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;  // CLOCK_REALTIME, absolute
  int signal_fd_ = -1;
  uint64_t armed_ns_ = 0;               // what timer_fd_ is set to
  uint64_t next_status_ns_ = 0;         // Unix ns of the next status event
  uint64_t next_tick_ns_ = UINT64_MAX;  // Unix ns of the next on_tick
  std::vector<can::CanFrame> frames_;   // kReadBatch frames, reused
};

}  // namespace autograph::pipeline
