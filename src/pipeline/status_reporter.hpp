// StatusReporter: signs each StatusEvent as the next envelope of the "status" stream (type
// autograph.status.v1, its own seq and prev chain, its cursor persisted by the storage thread
// like every stream's) and queues it to the storage/publisher thread with the batches.
//
// Thread: the reactor thread (it owns the chain position and shares the queue's producer side
// with the FramePipeline).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "autograph/signing/secret_key.hpp"
#include "autograph/signing/stream_signer.hpp"
#include "pipeline/bounded_queue.hpp"
#include "pipeline/outgoing_batch.hpp"
#include "pipeline/status_event.hpp"

namespace autograph::pipeline {

inline constexpr std::string_view kStatusStream = "status";

class StatusReporter {
 public:
  // `key` and `queue` must outlive the reporter. `cursor`: where the status chain continues
  // (from the state directory). `notify_fd`: the storage thread's eventfd, -1 for none.
  StatusReporter(const signing::SecretKey& key, std::string boot, signing::StreamCursor cursor,
                 BoundedQueue<OutgoingBatch>& queue, int notify_fd);

  // Signs `event` under the policy hash `policy` at `now` and queues it. Returns false when it
  // could not be signed or the queue was full (the event is lost, counted in lost(), logged;
  // its seq is not used again, so receivers see the gap).
  bool report(const StatusEvent& event, const signing::Hash256& policy,
              std::chrono::system_clock::time_point now);

  uint64_t sent() const noexcept { return sent_; }
  uint64_t lost() const noexcept { return lost_; }
  signing::StreamCursor cursor() const noexcept { return cursor_; }

 private:
  const signing::SecretKey& key_;
  std::string boot_;
  std::string subject_;    // "0x" + checksum address
  std::string id_prefix_;  // "<checksum address without 0x>:<boot>:"
  signing::StreamCursor cursor_;
  BoundedQueue<OutgoingBatch>& queue_;
  int notify_fd_;
  OutgoingBatch outgoing_;
  uint64_t sent_ = 0;
  uint64_t lost_ = 0;
};

}  // namespace autograph::pipeline
