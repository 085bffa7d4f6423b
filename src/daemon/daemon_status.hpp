// DaemonStatus: the daemon's status event, every status interval: gathers the counters of the
// frame sources, decoder, pipeline and storage thread, the endpoints' connection states and the
// policy state, logs a one-line summary at info, and has the StatusReporter sign and queue it
// (published to the control endpoint's status topic when one is configured, else only spooled).
//
// Thread: the reactor thread (on_status runs there); the storage worker and the policy inbox
// are read through their thread-safe accessors.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "autograph/signing/keccak256.hpp"
#include "daemon/obd_link.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/frame_source.hpp"
#include "pipeline/policy_inbox.hpp"
#include "pipeline/status_event.hpp"
#include "pipeline/status_reporter.hpp"
#include "pipeline/storage_worker.hpp"

namespace autograph::daemon {

class DaemonStatus {
 public:
  // All must outlive this object. `bus_count`: the decoder's buses (their counters are summed).
  DaemonStatus(const pipeline::FramePipeline& frames, const pipeline::StorageWorker& storage,
               const pipeline::PolicyInbox& inbox, pipeline::StatusReporter& reporter,
               size_t bus_count);

  // The policy now in force (after each apply).
  void set_policy(uint64_t version, const signing::Hash256& hash) {
    policy_version_ = version;
    policy_hash_ = hash;
  }

  // Adds the OBD-II poller's counters (`obd` must outlive this object) to every event.
  void watch_obd(const ObdLink& obd) { obd_ = &obd; }

  // Gathers, logs and reports one status event.
  void report(const std::vector<std::unique_ptr<pipeline::FrameSource>>& sources);

  // Gathers and logs, without reporting (at shutdown, when the storage thread has stopped).
  void log_summary(const std::vector<std::unique_ptr<pipeline::FrameSource>>& sources) const;

  // Gathers the event without reporting it.
  pipeline::StatusEvent collect(
      const std::vector<std::unique_ptr<pipeline::FrameSource>>& sources) const;

 private:
  void log(const pipeline::StatusEvent& event) const;

  const pipeline::FramePipeline& frames_;
  const pipeline::StorageWorker& storage_;
  const pipeline::PolicyInbox& inbox_;
  pipeline::StatusReporter& reporter_;
  size_t bus_count_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  const ObdLink* obd_ = nullptr;
  uint64_t policy_version_ = 0;
  signing::Hash256 policy_hash_{};
};

}  // namespace autograph::daemon
