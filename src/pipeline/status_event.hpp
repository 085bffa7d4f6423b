// StatusEvent: what the device reports about itself every status interval, and its `data`
// bytes. The event is signed like a batch (CloudEvents, type autograph.status.v1) on its own
// chain, stream "status"; StatusReporter signs and queues it. docs/pipeline.md shows the shape.
//
// Counters are totals since the daemon started (a batch's `dropped` counts since the previous
// batch; a status event's since start), so a missed status event loses nothing.
//
// Thread: plain data and a pure function; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "autograph/can/decoder.hpp"
#include "autograph/signing/batch_envelope.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/frame_source.hpp"
#include "pipeline/publisher_set.hpp"

namespace autograph::pipeline {

struct SourceStatus {
  std::string name;
  std::vector<std::string> interfaces;  // bus names, by bus index
  FrameSourceCounters counters;
};

struct SpoolDepth {
  std::string stream;
  uint64_t records = 0;  // appended, not yet acknowledged
  uint64_t bytes = 0;
};

// The last policy the device refused (from a file or the policy topic).
struct PolicyRefusalRecord {
  std::string reason;   // policy::to_string(RefusalReason): "signer is not the owner", ...
  std::string message;  // the verifier's words
  int64_t time_ms = 0;  // Unix epoch milliseconds
};

struct StatusEvent {
  uint64_t uptime_s = 0;
  std::vector<SourceStatus> sources;
  can::DecoderCounters decoder;  // summed over buses
  PipelineCounters pipeline;
  uint64_t kernel_drops = 0;  // summed over sources
  uint64_t spool_drops = 0;   // records evicted from full spools
  std::vector<SpoolDepth> spools;
  std::vector<EndpointStatus> endpoints;
  uint64_t policy_version = 0;  // 0: no policy in force
  std::optional<PolicyRefusalRecord> last_refusal;
};

// The `data` bytes: {"v":1,"stream":..,"seq":..,"prev":..,"policy":..,"boot":..,"clock":..,
// "time":<ms>,"uptime_s":..,"sources":[..],"decoder":{..},"pipeline":{..},"dropped":{..},
// "spool":{..},"endpoints":[..],"policy_state":{"version":..,"hash":..,"last_refusal":..}},
// compact.
// `policy` holds the hash of the policy in force, as in every batch.
std::string serialize_status_data(const signing::BatchPosition& position,
                                  const signing::Hash256& policy, signing::ClockState clock,
                                  int64_t time_ms, const StatusEvent& event);

}  // namespace autograph::pipeline
