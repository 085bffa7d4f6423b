// FramePipeline: what the reactor does with each frame: decode -> normalise -> gate per grantee
// -> stream, and closing batches into signed envelopes handed to the storage/publisher thread.
//
// Per frame there is no allocation, lock, log line or virtual call: the decoder, normaliser,
// gate and streams are concrete types working in buffers sized at construction. A batch closes
// when its stream is full, when a sample arrives at or after its deadline, on close_due() (the
// reactor's timer) and on close_all() (shutdown, policy change). A closed batch goes into the
// queue; when the queue is full the batch is lost, counted in its stream's next `dropped.queue`
// (as samples, together with the counters the lost batch carried) and logged: never silently.
//
// Thread: owned by the reactor thread; the queue's consumer is another thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "autograph/can/can_frame.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/can/sample.hpp"
#include "autograph/signing/secret_key.hpp"
#include "autograph/signing/stream_signer.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "normaliser/vss_sample.hpp"
#include "pipeline/bounded_queue.hpp"
#include "pipeline/outgoing_batch.hpp"
#include "pipeline/signal_texts.hpp"
#include "pipeline/stream.hpp"
#include "policy/policy_gate.hpp"

namespace autograph::pipeline {

// Counts since construction, for the status event.
struct PipelineCounters {
  uint64_t frames = 0;
  uint64_t samples = 0;       // decoded
  uint64_t vss_samples = 0;   // normalised
  uint64_t batches = 0;       // signed and queued
  uint64_t batches_lost = 0;  // refused by the full queue
  uint64_t sign_failures = 0;
};

class FramePipeline {
 public:
  // `key` must outlive the pipeline, `queue` too. `boot` as StreamSigner requires.
  FramePipeline(can::Decoder decoder, normaliser::VssNormaliser normaliser,
                const signing::SecretKey& key, std::string boot,
                BoundedQueue<OutgoingBatch>& queue);

  // Puts `gate` in force (after closing every open batch of the old one). `policy_hash` is
  // keccak256 of the policy document; `cursors` has one cursor per grantee of the gate (from the
  // state directory): a stream that exists already keeps its own, newer one.
  void apply_policy(policy::PolicyGate gate, const signing::Hash256& policy_hash,
                    std::span<const signing::StreamCursor> cursors);

  // Runs `frames` through the pipeline (times in ns since the Unix epoch).
  void process(std::span<const can::CanFrame> frames) noexcept;

  // Closes the batches whose deadline is at or before `now_ns` (Unix ns).
  void close_due(uint64_t now_ns);
  // Closes every open batch.
  void close_all();
  // The earliest deadline of an open batch (Unix ns); UINT64_MAX when none is open.
  uint64_t next_deadline_ns() const noexcept;

  // An eventfd to write 1 to after each queued batch (the consumer's wake-up); -1: none.
  void set_notify_fd(int fd) noexcept { notify_fd_ = fd; }

  // Kernel drops reported by a source: every stream reports them in its next batch.
  void add_kernel_drops(uint64_t frames) noexcept;
  // Batches evicted from full spools (by the storage thread): every stream reports them in its
  // next batch as `dropped.spool`, like kernel drops, since the loss is the device's.
  void add_spool_drops(uint64_t batches) noexcept;
  // Where spool drops come from (StorageWorker::take_unreported_spool_drops): asked once before
  // each batch closes, so the batch reports what was evicted up to then. May be empty.
  void set_spool_drop_source(std::function<uint64_t()> source) {
    spool_drop_source_ = std::move(source);
  }

  // Called at the end of every apply_policy(), on the reactor thread (the wiring derives the
  // kernel filters from the new gate). May be empty.
  void set_policy_listener(std::function<void()> listener) {
    policy_listener_ = std::move(listener);
  }
  // The gate in force; nullptr before the first apply_policy().
  const policy::PolicyGate* gate() const noexcept { return gate_.empty() ? nullptr : &gate_[0]; }

  const PipelineCounters& counters() const noexcept { return counters_; }
  const can::Decoder& decoder() const noexcept { return decoder_; }
  const normaliser::VssNormaliser& normaliser() const noexcept { return normaliser_; }
  // The values of the vehicle's text signals (VIN, DTC list): sources that produce text intern
  // it here; the streams write it into their batches.
  SignalTexts& texts() noexcept { return *texts_; }
  size_t stream_count() const noexcept { return streams_.size(); }
  const Stream& stream(size_t index) const noexcept { return streams_[index]; }

 private:
  void offer(const normaliser::VssSample& sample) noexcept;
  // Signs the open batch of stream `index` and queues it.
  void close_stream(size_t index);
  void warn_lost_batch(const std::string& stream, uint64_t seq, uint64_t samples);

  can::Decoder decoder_;
  normaliser::VssNormaliser normaliser_;
  std::unique_ptr<SignalTexts> texts_;  // its address is the streams'
  const signing::SecretKey& key_;
  std::string boot_;
  BoundedQueue<OutgoingBatch>& queue_;
  std::vector<policy::PolicyGate> gate_;  // zero or one: PolicyGate has no default state
  BatchContext context_;
  std::vector<Stream> streams_;  // by grantee index
  std::vector<can::Sample> samples_;
  std::vector<normaliser::VssSample> vss_;
  OutgoingBatch outgoing_;  // reused: its buffers move through the queue and back
  PipelineCounters counters_;
  int notify_fd_ = -1;
  std::function<uint64_t()> spool_drop_source_;  // reactor thread
  std::function<void()> policy_listener_;        // reactor thread
  std::chrono::steady_clock::time_point last_loss_warning_{};
  uint64_t lost_since_warning_ = 0;
};

}  // namespace autograph::pipeline
