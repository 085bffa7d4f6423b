#include "pipeline/status_event.hpp"

#include <fmt/format.h>

#include "autograph/signing/hex.hpp"
#include "autograph/signing/json_writer.hpp"

namespace autograph::pipeline {
namespace {

using signing::JsonWriter;

void member(JsonWriter& json, std::string_view key, uint64_t value) {
  json.key(key);
  json.unsigned_integer(value);
}

void write_sources(JsonWriter& json, const std::vector<SourceStatus>& sources) {
  json.key("sources");
  json.begin_array();
  for (const SourceStatus& source : sources) {
    const FrameSourceCounters& c = source.counters;
    json.begin_object();
    json.key("name");
    json.string(source.name);
    member(json, "frames", c.frames);
    json.key("frames_per_bus");
    json.begin_object();
    for (size_t bus = 0; bus < source.interfaces.size() && bus < c.frames_per_bus.size(); ++bus) {
      member(json, source.interfaces[bus], c.frames_per_bus[bus]);
    }
    json.end_object();
    member(json, "kernel_drops", c.kernel_drops);
    member(json, "bad_input", c.bad_input);
    json.key("down");
    json.raw(c.down ? "true" : "false");
    member(json, "outages", c.outages);
    json.end_object();
  }
  json.end_array();
}

void write_counters(JsonWriter& json, const StatusEvent& event) {
  json.key("decoder");
  json.begin_object();
  member(json, "unknown_id", event.decoder.unknown_id);
  member(json, "unselected", event.decoder.unselected);
  member(json, "skipped", event.decoder.skipped);
  json.end_object();
  const PipelineCounters& p = event.pipeline;
  json.key("pipeline");
  json.begin_object();
  member(json, "frames", p.frames);
  member(json, "samples", p.samples);
  member(json, "vss_samples", p.vss_samples);
  member(json, "batches", p.batches);
  json.end_object();
  uint64_t bad_input = 0;
  for (const SourceStatus& source : event.sources) {
    bad_input += source.counters.bad_input;
  }
  json.key("dropped");
  json.begin_object();
  member(json, "kernel", event.kernel_drops);
  member(json, "queue", p.batches_lost);
  member(json, "spool", event.spool_drops);
  member(json, "bad_input", bad_input);
  member(json, "sign_failures", p.sign_failures);
  json.end_object();
}

void write_publishing(JsonWriter& json, const StatusEvent& event) {
  json.key("spool");
  json.begin_object();
  for (const SpoolDepth& depth : event.spools) {
    json.key(depth.stream);
    json.begin_object();
    member(json, "records", depth.records);
    member(json, "bytes", depth.bytes);
    json.end_object();
  }
  json.end_object();
  json.key("endpoints");
  json.begin_array();
  for (const EndpointStatus& endpoint : event.endpoints) {
    json.begin_object();
    json.key("peer");
    json.string(endpoint.peer);
    json.key("state");
    json.string(endpoint.state);
    json.key("streams");
    json.begin_array();
    for (const std::string& stream : endpoint.streams) {
      json.string(stream);
    }
    json.end_array();
    member(json, "connections", endpoint.connections);
    json.key("last_error");
    endpoint.last_error.empty() ? json.raw("null") : json.string(endpoint.last_error);
    json.end_object();
  }
  json.end_array();
}

void write_policy_state(JsonWriter& json, const signing::Hash256& policy,
                        const StatusEvent& event) {
  json.key("policy_state");
  json.begin_object();
  member(json, "version", event.policy_version);
  json.key("hash");
  json.string(signing::to_0x_hex(policy));
  json.key("last_refusal");
  if (!event.last_refusal) {
    json.raw("null");
  } else {
    json.begin_object();
    json.key("reason");
    json.string(event.last_refusal->reason);
    json.key("message");
    json.string(event.last_refusal->message);
    json.key("time");
    json.integer(event.last_refusal->time_ms);
    json.end_object();
  }
  json.end_object();
}

void write_obd(JsonWriter& json, const ObdStatus& obd) {
  json.key("obd");
  json.begin_object();
  member(json, "requests", obd.requests);
  member(json, "send_errors", obd.send_errors);
  member(json, "answers", obd.answers);
  member(json, "isotp_errors", obd.isotp_errors);
  member(json, "malformed", obd.malformed);
  member(json, "negative", obd.negative);
  member(json, "multi_pid_refusals", obd.multi_pid_refusals);
  member(json, "failures", obd.failures);
  member(json, "backoffs", obd.backoffs);
  member(json, "texts_refused", obd.texts_refused);
  member(json, "learned_addresses", obd.learned_addresses);
  member(json, "unknown_responders", obd.unknown_responders);
  json.key("ecus");
  json.begin_array();
  for (const ObdEcuStatus& ecu : obd.ecus) {
    json.begin_object();
    json.key("id");
    json.string(fmt::format("{:#x}", ecu.response_id & 0x1FFFFFFFu));
    json.key("present");
    json.raw(ecu.present ? "true" : "false");
    member(json, "failures", ecu.failures);
    member(json, "backoffs", ecu.backoffs);
    json.end_object();
  }
  json.end_array();
  json.key("last_error");
  obd.last_error.empty() ? json.raw("null") : json.string(obd.last_error);
  json.end_object();
}

}  // namespace

std::string serialize_status_data(const signing::BatchPosition& position,
                                  const signing::Hash256& policy, signing::ClockState clock,
                                  int64_t time_ms, const StatusEvent& event) {
  std::string out;
  JsonWriter json(out);
  json.begin_object();
  member(json, "v", signing::kBatchDataVersion);
  json.key("stream");
  json.string(position.stream);
  member(json, "seq", position.seq);
  json.key("prev");
  json.string(signing::to_0x_hex(position.prev));
  json.key("policy");
  json.string(signing::to_0x_hex(policy));
  json.key("boot");
  json.string(position.boot);
  json.key("clock");
  json.string(clock == signing::ClockState::kSynced ? "synced" : "unsynced");
  json.key("time");
  json.integer(time_ms);
  member(json, "uptime_s", event.uptime_s);
  write_sources(json, event.sources);
  write_counters(json, event);
  write_publishing(json, event);
  write_policy_state(json, policy, event);
  if (event.obd) {
    write_obd(json, *event.obd);
  }
  json.end_object();
  return out;
}

}  // namespace autograph::pipeline
