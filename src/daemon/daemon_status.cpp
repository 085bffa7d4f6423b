#include "daemon/daemon_status.hpp"

#include "pipeline/pipeline_logger.hpp"

namespace autograph::daemon {

DaemonStatus::DaemonStatus(const pipeline::FramePipeline& frames,
                           const pipeline::StorageWorker& storage,
                           const pipeline::PolicyInbox& inbox, pipeline::StatusReporter& reporter,
                           size_t bus_count)
    : frames_(frames),
      storage_(storage),
      inbox_(inbox),
      reporter_(reporter),
      bus_count_(bus_count) {}

pipeline::StatusEvent DaemonStatus::collect(
    const std::vector<std::unique_ptr<pipeline::FrameSource>>& sources) const {
  pipeline::StatusEvent event;
  event.uptime_s = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count());
  for (const auto& source : sources) {
    event.sources.push_back({source->name(), source->interfaces(), source->counters()});
    event.kernel_drops += source->counters().kernel_drops;
  }
  for (size_t bus = 0; bus < bus_count_; ++bus) {
    const can::DecoderCounters counters = frames_.decoder().counters(static_cast<uint16_t>(bus));
    event.decoder.unknown_id += counters.unknown_id;
    event.decoder.unselected += counters.unselected;
    event.decoder.skipped += counters.skipped;
  }
  event.pipeline = frames_.counters();
  event.spool_drops = storage_.spool_drops();
  event.spools = storage_.spool_depths();
  event.endpoints = storage_.endpoint_status();
  event.policy_version = policy_version_;
  event.last_refusal = inbox_.last_refusal();
  if (obd_ != nullptr) {
    event.obd = obd_->status();
  }
  return event;
}

void DaemonStatus::log_summary(
    const std::vector<std::unique_ptr<pipeline::FrameSource>>& sources) const {
  log(collect(sources));
}

void DaemonStatus::report(const std::vector<std::unique_ptr<pipeline::FrameSource>>& sources) {
  const pipeline::StatusEvent event = collect(sources);
  log(event);
  (void)reporter_.report(event, policy_hash_, std::chrono::system_clock::now());
}

void DaemonStatus::log(const pipeline::StatusEvent& event) const {
  const pipeline::PipelineCounters& c = event.pipeline;
  size_t connected = 0;
  for (const pipeline::EndpointStatus& endpoint : event.endpoints) {
    connected += endpoint.state == "connected" ? 1 : 0;
  }
  uint64_t pending = 0;
  for (const pipeline::SpoolDepth& depth : event.spools) {
    pending += depth.records;
  }
  pipeline::pipeline_logger()->info(
      "status: {} frames, {} samples, {} VSS samples, {} batches ({} lost to the queue, {} "
      "signing failures), {} stored, {} evicted from spools, {} pending, {}/{} endpoints "
      "connected, policy version {}",
      c.frames, c.samples, c.vss_samples, c.batches, c.batches_lost, c.sign_failures,
      storage_.stored(), event.spool_drops, pending, connected, event.endpoints.size(),
      event.policy_version);
  for (const pipeline::SourceStatus& source : event.sources) {
    const pipeline::FrameSourceCounters& s = source.counters;
    pipeline::pipeline_logger()->info(
        "status: {}: {}, {} frames, {} kernel drops, {} bad frames, {} outages", source.name,
        s.down ? "down" : "up", s.frames, s.kernel_drops, s.bad_input, s.outages);
  }
  if (event.obd) {
    const pipeline::ObdStatus& o = *event.obd;
    pipeline::pipeline_logger()->info(
        "status: obd: {} requests, {} answers, {} ISO-TP errors, {} PID failures, {} back-offs, "
        "{} ECUs",
        o.requests, o.answers, o.isotp_errors, o.failures, o.backoffs, o.ecus.size());
  }
}

}  // namespace autograph::daemon
