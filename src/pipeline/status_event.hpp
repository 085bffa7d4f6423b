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

// One ECU the OBD-II poller found (or that failed it).
struct ObdEcuStatus {
  uint32_t response_id = 0;  // the CAN ID it answers from (0x7E8.., or 0x18DAF1xx | EFF flag)
  bool present = false;      // answered the last discovery
  uint64_t failures = 0;     // PID failures counted against it (no answer, negative, missing)
  uint64_t backoffs = 0;     // times one of its PIDs was backed off
};

// The OBD-II poller's totals (can::ObdPollerCounters and ObdSchedulerCounters), when autographd
// polls.
struct ObdStatus {
  uint64_t requests = 0;      // requests written to the bus
  uint64_t send_errors = 0;   // requests the kernel refused
  uint64_t answers = 0;       // whole ISO-TP messages received
  uint64_t isotp_errors = 0;  // messages the kernel dropped (sequence, timeout, padding)
  uint64_t malformed = 0;     // messages that were no OBD answer
  uint64_t negative = 0;      // negative answers (7F)
  uint64_t multi_pid_refusals = 0;
  uint64_t failures = 0;       // PID failures, all ECUs
  uint64_t backoffs = 0;       // PID and discovery back-offs
  uint64_t texts_refused = 0;  // VIN / DTC list texts the full table of texts refused
  // 29-bit: ECU addresses learned from answers, and distinct addresses that found no ECU slot.
  uint64_t learned_addresses = 0;
  uint64_t unknown_responders = 0;
  std::vector<ObdEcuStatus> ecus;
  std::string last_error;  // the last ISO-TP or send error; empty when none
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
  std::optional<ObdStatus> obd;  // absent: no OBD-II poller (no "obd" configured, or a replay)
};

// The `data` bytes: {"v":1,"stream":..,"seq":..,"prev":..,"policy":..,"boot":..,"clock":..,
// "time":<ms>,"uptime_s":..,"sources":[..],"decoder":{..},"pipeline":{..},"dropped":{..},
// "spool":{..},"endpoints":[..],"policy_state":{"version":..,"hash":..,"last_refusal":..},
// "obd":{"requests":..,"answers":..,..,"ecus":[{"id":"0x7e8",..}],"last_error":..}}, compact;
// "obd" only when the event has it.
// `policy` holds the hash of the policy in force, as in every batch.
std::string serialize_status_data(const signing::BatchPosition& position,
                                  const signing::Hash256& policy, signing::ClockState clock,
                                  int64_t time_ms, const StatusEvent& event);

}  // namespace autograph::pipeline
