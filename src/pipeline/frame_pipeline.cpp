#include "pipeline/frame_pipeline.hpp"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "autograph/check.hpp"
#include "pipeline/clock_sync.hpp"
#include "pipeline/pipeline_logger.hpp"

namespace autograph::pipeline {
namespace {

StreamSettings settings_for(const policy::GranteeGate& grantee,
                            const std::vector<std::string>& vss_paths, const SignalTexts& texts) {
  StreamSettings settings;
  settings.texts = &texts;
  settings.name = grantee.name();
  settings.max_interval_s = grantee.batch().max_interval_s;
  settings.max_samples = grantee.batch().max_samples;
  settings.vss_paths = vss_paths;
  settings.receives.resize(vss_paths.size());
  for (size_t i = 0; i < vss_paths.size(); ++i) {
    settings.receives[i] = grantee.receives(static_cast<uint32_t>(i));
  }
  return settings;
}

}  // namespace

FramePipeline::FramePipeline(can::Decoder decoder, normaliser::VssNormaliser normaliser,
                             const signing::SecretKey& key, std::string boot,
                             BoundedQueue<OutgoingBatch>& queue)
    : decoder_(std::move(decoder)),
      normaliser_(std::move(normaliser)),
      texts_(std::make_unique<SignalTexts>(normaliser_.vss_paths())),
      key_(key),
      boot_(std::move(boot)),
      queue_(queue) {
  samples_.resize(std::max<size_t>(decoder_.max_samples_per_frame(), 1));
  vss_.resize(samples_.size());
}

void FramePipeline::apply_policy(policy::PolicyGate gate, const signing::Hash256& policy_hash,
                                 std::span<const signing::StreamCursor> cursors) {
  AG_CHECK(cursors.size() == gate.grantee_count(), "apply_policy: one cursor per grantee");
  close_all();
  std::vector<Stream> streams;
  streams.reserve(gate.grantee_count());
  for (size_t g = 0; g < gate.grantee_count(); ++g) {
    const policy::GranteeGate& grantee = gate.grantee(g);
    signing::StreamCursor cursor = cursors[g];
    for (const Stream& old : streams_) {
      if (old.name() == grantee.name()) {
        cursor = old.cursor();
      }
    }
    streams.emplace_back(key_, settings_for(grantee, normaliser_.vss_paths(), *texts_), boot_,
                         cursor);
  }
  streams_ = std::move(streams);
  gate_.clear();
  gate_.push_back(std::move(gate));
  context_.policy = policy_hash;
  if (policy_listener_) {
    policy_listener_();
  }
}

void FramePipeline::process(std::span<const can::CanFrame> frames) noexcept {
  counters_.frames += frames.size();
  for (const can::CanFrame& frame : frames) {
    const size_t decoded = decoder_.decode(frame, samples_);
    if (decoded == 0) {
      continue;
    }
    counters_.samples += decoded;
    const size_t normalised =
        normaliser_.normalise(std::span<const can::Sample>(samples_.data(), decoded), vss_);
    counters_.vss_samples += normalised;
    for (size_t i = 0; i < normalised; ++i) {
      offer(vss_[i]);
    }
  }
}

void FramePipeline::offer(const normaliser::VssSample& sample) noexcept {
  if (gate_.empty()) {
    return;
  }
  policy::PolicyGate& gate = gate_.front();
  for (size_t g = 0; g < streams_.size(); ++g) {
    const std::optional<double> value = gate.offer(g, sample.signal, sample.t_ns, sample.value);
    if (!value) {
      continue;
    }
    Stream& stream = streams_[g];
    if (!stream.empty() && sample.t_ns >= stream.deadline_ns()) {
      close_stream(g);  // once per batch, not per frame
    }
    if (stream.append(sample.signal, sample.t_ns, *value)) {
      close_stream(g);
    }
  }
}

void FramePipeline::close_stream(size_t index) {
  if (spool_drop_source_) {
    if (const uint64_t evicted = spool_drop_source_(); evicted != 0) {
      add_spool_drops(evicted);
    }
  }
  Stream& stream = streams_[index];
  const uint64_t samples = stream.sample_count();
  context_.clock = system_clock_state();
  Result<signing::SignedBatch> batch = stream.close(context_, std::chrono::system_clock::now());
  if (!batch) {
    ++counters_.sign_failures;
    pipeline_logger()->error("stream {}: signing failed, batch kept open: {}", stream.name(),
                             batch.error().message());
    return;
  }
  outgoing_.stream = stream.name();
  outgoing_.batch = std::move(*batch);
  outgoing_.samples = samples;
  outgoing_.cursor = stream.cursor();
  if (queue_.try_push(outgoing_)) {
    ++counters_.batches;
    if (notify_fd_ >= 0) {
      const uint64_t one = 1;
      (void)!::write(notify_fd_, &one, sizeof one);  // a full counter still wakes the reader
    }
    return;
  }
  ++counters_.batches_lost;
  stream.report_lost_batch();
  warn_lost_batch(stream.name(), outgoing_.batch.seq, samples);
}

// A storage thread that falls behind loses batches in bursts: warn at most once a second, with
// the count since the last warning (every loss is also in counters() and the next batch).
void FramePipeline::warn_lost_batch(const std::string& stream, uint64_t seq, uint64_t samples) {
  constexpr auto kWarnInterval = std::chrono::seconds(1);
  ++lost_since_warning_;
  const auto now = std::chrono::steady_clock::now();
  const bool warned_before = last_loss_warning_ != std::chrono::steady_clock::time_point{};
  if (warned_before && now - last_loss_warning_ < kWarnInterval) {
    return;
  }
  pipeline_logger()->warn(
      "stream {}: queue to storage full, batch seq {} ({} samples) lost; {} batches lost since "
      "the last warning",
      stream, seq, samples, lost_since_warning_);
  last_loss_warning_ = now;
  lost_since_warning_ = 0;
}

void FramePipeline::close_due(uint64_t now_ns) {
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (!streams_[i].empty() && streams_[i].deadline_ns() <= now_ns) {
      close_stream(i);
    }
  }
}

void FramePipeline::close_all() {
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (!streams_[i].empty()) {
      close_stream(i);
    }
  }
}

uint64_t FramePipeline::next_deadline_ns() const noexcept {
  uint64_t earliest = std::numeric_limits<uint64_t>::max();
  for (const Stream& stream : streams_) {
    earliest = std::min(earliest, stream.deadline_ns());
  }
  return earliest;
}

void FramePipeline::add_kernel_drops(uint64_t frames) noexcept {
  for (Stream& stream : streams_) {
    stream.add_dropped(frames, 0, 0);
  }
}

void FramePipeline::add_spool_drops(uint64_t batches) noexcept {
  for (Stream& stream : streams_) {
    stream.add_dropped(0, 0, batches);
  }
}

}  // namespace autograph::pipeline
