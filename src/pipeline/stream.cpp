#include "pipeline/stream.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "autograph/check.hpp"

namespace autograph::pipeline {
namespace {

constexpr uint64_t kNsPerMs = 1'000'000;
constexpr uint64_t kNsPerS = 1'000'000'000;

}  // namespace

Stream::Stream(const signing::SecretKey& key, StreamSettings settings, std::string boot,
               signing::StreamCursor cursor)
    : settings_(std::move(settings)), signer_(key, settings_.name, std::move(boot), cursor) {
  AG_CHECK(settings_.vss_paths.size() == settings_.receives.size(),
           "stream settings: vss_paths and receives differ in size");
  AG_CHECK(settings_.max_interval_s >= 1 && settings_.max_samples >= 1,
           "stream settings: interval and size must be at least 1");
  max_interval_ns_ = static_cast<uint64_t>(settings_.max_interval_s) * kNsPerS;
  max_samples_ = static_cast<uint64_t>(settings_.max_samples);
  const size_t reserve = static_cast<size_t>(std::min<uint64_t>(max_samples_, kInitialReserve));
  columns_.resize(settings_.vss_paths.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    columns_[i].path = settings_.vss_paths[i];
    if (settings_.texts != nullptr) {
      columns_[i].texts = settings_.texts->texts(static_cast<uint32_t>(i));
    }
    if (settings_.receives[i]) {
      columns_[i].samples.reserve(reserve);
    }
  }
  used_.reserve(columns_.size());
  body_.signals.reserve(columns_.size());
}

bool Stream::append(uint32_t signal, uint64_t t_ns, double value) noexcept {
  AG_CHECK(signal < columns_.size(), "stream append: signal id out of range");
  std::vector<signing::BatchSample>& samples = columns_[signal].samples;
  if (samples.empty()) {
    used_.push_back(signal);  // reserved to the signal count: never allocates
  }
  const uint64_t ms = t_ns / kNsPerMs;
  // Absolute ms for now; close() turns them into offsets once `from` is known.
  samples.push_back({ms, value});
  if (count_ == 0) {
    first_t_ns_ = t_ns;
    min_ms_ = ms;
    max_ms_ = ms;
  } else {
    min_ms_ = std::min(min_ms_, ms);
    max_ms_ = std::max(max_ms_, ms);
  }
  ++count_;
  return count_ >= max_samples_;
}

void Stream::add_dropped(uint64_t kernel, uint64_t queue, uint64_t spool) noexcept {
  body_.dropped.kernel += kernel;
  body_.dropped.queue += queue;
  body_.dropped.spool += spool;
}

void Stream::report_lost_batch() noexcept {
  add_dropped(last_dropped_.kernel, last_dropped_.queue + last_count_, last_dropped_.spool);
  last_count_ = 0;
  last_dropped_.kernel = 0;
  last_dropped_.queue = 0;
  last_dropped_.spool = 0;
}

uint64_t Stream::deadline_ns() const noexcept {
  if (count_ == 0) {
    return std::numeric_limits<uint64_t>::max();
  }
  return first_t_ns_ + max_interval_ns_;
}

void Stream::fill_body(const BatchContext& context) {
  body_.policy = context.policy;
  body_.clock = context.clock;
  body_.from_ms = static_cast<int64_t>(min_ms_);
  body_.to_ms = static_cast<int64_t>(max_ms_);
  // Signal id order keeps the JSON independent of which signal happened to come first.
  std::sort(used_.begin(), used_.end());
  body_.signals.clear();
  for (uint32_t signal : used_) {
    signing::SignalSeries& column = columns_[signal];
    for (signing::BatchSample& sample : column.samples) {
      sample.offset_ms -= min_ms_;
    }
    // Moves keep the column's capacity and path buffer for the next batch.
    body_.signals.push_back(std::move(column));
  }
}

void Stream::restore_columns() noexcept {
  for (size_t i = 0; i < used_.size(); ++i) {
    columns_[used_[i]] = std::move(body_.signals[i]);
  }
  body_.signals.clear();
}

Result<signing::SignedBatch> Stream::close(const BatchContext& context,
                                           std::chrono::system_clock::time_point now) {
  AG_CHECK(count_ > 0, "stream close: the batch is empty");
  fill_body(context);
  Result<signing::SignedBatch> signed_batch = signer_.sign(body_, now);
  restore_columns();
  if (!signed_batch) {
    for (uint32_t signal : used_) {
      for (signing::BatchSample& sample : columns_[signal].samples) {
        sample.offset_ms += min_ms_;
      }
    }
    return signed_batch;
  }
  for (uint32_t signal : used_) {
    columns_[signal].samples.clear();
  }
  used_.clear();
  last_count_ = count_;
  last_dropped_.kernel = body_.dropped.kernel;
  last_dropped_.queue = body_.dropped.queue;
  last_dropped_.spool = body_.dropped.spool;
  body_.dropped.kernel = 0;
  body_.dropped.queue = 0;
  body_.dropped.spool = 0;
  count_ = 0;
  return signed_batch;
}

}  // namespace autograph::pipeline
