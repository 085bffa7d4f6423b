#include "pipeline/status_reporter.hpp"

#include <unistd.h>

#include "autograph/signing/address.hpp"
#include "autograph/signing/batch_envelope.hpp"
#include "autograph/signing/keccak256.hpp"
#include "pipeline/clock_sync.hpp"
#include "pipeline/pipeline_logger.hpp"

#ifndef AUTOGRAPH_VERSION
#error "AUTOGRAPH_VERSION must be defined by the build"
#endif

namespace autograph::pipeline {

StatusReporter::StatusReporter(const signing::SecretKey& key, std::string boot,
                               signing::StreamCursor cursor, BoundedQueue<OutgoingBatch>& queue,
                               int notify_fd)
    : key_(key), boot_(std::move(boot)), cursor_(cursor), queue_(queue), notify_fd_(notify_fd) {
  const std::string address = signing::address_of(key_).to_checksum_hex();
  subject_ = address;
  id_prefix_ = fmt::format("{}:{}:", address.substr(2), boot_);
}

bool StatusReporter::report(const StatusEvent& event, const signing::Hash256& policy,
                            std::chrono::system_clock::time_point now) {
  const signing::BatchPosition position{std::string(kStatusStream), cursor_.next_seq, cursor_.prev,
                                        boot_};
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::string data =
      serialize_status_data(position, policy, system_clock_state(), now_ms, event);
  const signing::EnvelopeAttributes attributes{
      fmt::format("{}{}", id_prefix_, position.seq), "autograph/" AUTOGRAPH_VERSION, subject_,
      std::string(signing::kStatusEventType), signing::format_rfc3339_utc(now)};
  Result<std::string> envelope = signing::build_envelope(key_, attributes, data);
  if (!envelope) {
    ++lost_;
    pipeline_logger()->error("status event seq {} not signed: {}", position.seq,
                             envelope.error().message());
    return false;
  }
  const signing::Hash256 hash = signing::keccak256(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  cursor_ = {position.seq + 1, hash};
  outgoing_.stream = std::string(kStatusStream);
  outgoing_.batch = {std::move(*envelope), position.seq, hash};
  outgoing_.samples = 0;
  outgoing_.cursor = cursor_;
  if (!queue_.try_push(outgoing_)) {
    ++lost_;
    pipeline_logger()->warn("status event seq {} lost: the storage queue is full", position.seq);
    return false;
  }
  ++sent_;
  if (notify_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!::write(notify_fd_, &one, sizeof one);
  }
  return true;
}

}  // namespace autograph::pipeline
