// Stream: the open batch of one grantee, and its closing into a signed, chained envelope.
//
// Gated samples are appended columnar per signal into buffers reserved up front; a buffer keeps
// its capacity from batch to batch, so once the batches have reached their usual size appending
// allocates nothing. A batch is due to close when it holds `max_samples` samples or when
// `max_interval_s` has passed since its first sample (the caller's timer asks deadline_ns()).
// Closing builds signing's BatchBody (`from`/`to` = Unix ms of the first and last sample, each
// sample [ms after from, value], the drop counters accumulated since the last batch, the policy
// hash, the clock state) and signs it with the stream's StreamSigner.
//
// Sample times are nanoseconds since the Unix epoch (kernel timestamps, or replayed frames
// re-based onto the wall clock). Persisting the cursor is the caller's job (StreamCursorFile).
//
// Thread: one thread (the reactor) owns a Stream; no locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograph/result.hpp"
#include "autograph/signing/batch_envelope.hpp"
#include "autograph/signing/secret_key.hpp"
#include "autograph/signing/stream_signer.hpp"
#include "pipeline/signal_texts.hpp"

namespace autograph::pipeline {

struct StreamSettings {
  std::string name;            // grantee name = stream name
  int64_t max_interval_s = 1;  // >= 1
  int64_t max_samples = 1;     // >= 1
  // The vehicle's VSS signal table (index = VssSample::signal) and which of them this grantee
  // may receive (same size); buffers are reserved only for those.
  std::vector<std::string> vss_paths;
  std::vector<bool> receives;
  // The values of the text signals (their samples are indices into it); must outlive the
  // stream. nullptr: every signal is a number.
  const SignalTexts* texts = nullptr;
};

// What the closer knows that the stream doesn't: the policy in force and the clock.
struct BatchContext {
  signing::Hash256 policy{};
  signing::ClockState clock = signing::ClockState::kUnsynced;
};

class Stream {
 public:
  // Samples reserved per received signal at start (more grow on demand, once).
  static constexpr size_t kInitialReserve = 64;

  // `key` must outlive the stream. `boot` as StreamSigner requires. Aborts when the settings
  // are inconsistent (sizes differ, interval or size < 1).
  Stream(const signing::SecretKey& key, StreamSettings settings, std::string boot,
         signing::StreamCursor cursor);

  // Appends one sample of `signal` (< vss_paths.size(), else aborts) at `t_ns`. Samples of a
  // signal the grantee doesn't receive are accepted too (their buffer grows on demand).
  // Returns true when the batch is now full (max_samples reached) and should be closed.
  bool append(uint32_t signal, uint64_t t_ns, double value) noexcept;

  // Adds losses to the counters the next batch reports.
  void add_dropped(uint64_t kernel, uint64_t queue, uint64_t spool) noexcept;

  // The batch closed last never reached storage (the queue was full): its samples count as
  // dropped.queue in the next batch, and the drop counters it carried are reported again there.
  void report_lost_batch() noexcept;

  bool empty() const noexcept { return count_ == 0; }
  uint64_t sample_count() const noexcept { return count_; }
  // When the open batch is due by time: its first sample's t_ns + max_interval_s; UINT64_MAX
  // while the batch is empty.
  uint64_t deadline_ns() const noexcept;

  // Closes the open batch: serialises, signs (envelope time = `now`) and empties it; drop
  // counters restart at zero. Returns the signed batch. The batch must not be empty (aborts).
  // Errors: kInternal when signing fails; the samples and counters are then kept.
  [[nodiscard]] Result<signing::SignedBatch> close(const BatchContext& context,
                                                   std::chrono::system_clock::time_point now);

  const std::string& name() const noexcept { return settings_.name; }
  signing::StreamCursor cursor() const noexcept { return signer_.cursor(); }

 private:
  void fill_body(const BatchContext& context);
  void restore_columns() noexcept;

  StreamSettings settings_;
  signing::StreamSigner signer_;
  uint64_t max_interval_ns_ = 0;
  uint64_t max_samples_ = 0;
  // Per signal id: the column of the open batch; sample offsets hold absolute ms until close.
  std::vector<signing::SignalSeries> columns_;
  std::vector<uint32_t> used_;  // signal ids with samples in the open batch, first use order
  signing::BatchBody body_;     // reused at each close; its signals borrow the used columns
  uint64_t count_ = 0;
  uint64_t last_count_ = 0;              // samples of the batch closed last
  signing::DroppedCounts last_dropped_;  // its counters (kernel, queue, spool)
  uint64_t first_t_ns_ = 0;
  uint64_t min_ms_ = 0;
  uint64_t max_ms_ = 0;
};

}  // namespace autograph::pipeline
