#include "daemon/pipeline_runner.hpp"

#include <fmt/ranges.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/key_store.hpp"
#include "autograph/signing/random_bytes.hpp"
#include "config/device_config.hpp"
#include "normaliser/vss_mapping.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "pipeline/capture_replayer.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/pipeline_logger.hpp"
#include "pipeline/publish_target.hpp"
#include "pipeline/reactor.hpp"
#include "pipeline/storage_worker.hpp"
#include "pipeline/stream_cursor_file.hpp"
#include "policy/clock.hpp"
#include "policy/policy_gate.hpp"
#include "policy/policy_verifier.hpp"
#include "policy/state_directory.hpp"

namespace autograph::daemon {
namespace {

constexpr size_t kQueueCapacity = 256;  // signed batches between the two threads

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

struct Vehicle {
  std::vector<std::string> bus_names;
  can::Decoder decoder;
  normaliser::VssNormaliser normaliser;
};

Result<Vehicle> load_vehicle(const config::DeviceConfig& config) {
  std::vector<std::string> names;
  std::vector<can::Database> buses(config.can.size());
  for (size_t i = 0; i < config.can.size(); ++i) {
    names.push_back(config.can[i].name);
    auto dbcs = config.vehicle.dbc.find(config.can[i].name);
    if (dbcs == config.vehicle.dbc.end()) {
      continue;  // a bus without DBC: its frames are counted as unknown
    }
    for (size_t k = 0; k < dbcs->second.size(); ++k) {
      Result<can::Database> dbc = can::load_dbc_file(dbcs->second[k]);
      if (!dbc) {
        return tl::unexpected(dbc.error());
      }
      if (k == 0) {
        buses[i] = std::move(*dbc);
      } else if (Result<void> merged = can::merge_into(buses[i], std::move(*dbc)); !merged) {
        return tl::unexpected(merged.error());
      }
    }
  }
  Result<normaliser::VssMapping> mapping =
      normaliser::VssMapping::load(config.vehicle.vss_mapping, buses, names);
  if (!mapping) {
    return tl::unexpected(mapping.error());
  }
  Result<can::Decoder> decoder = can::Decoder::compile(buses);
  if (!decoder) {
    return tl::unexpected(decoder.error());
  }
  normaliser::VssNormaliser normaliser =
      normaliser::VssNormaliser::compile(*mapping, decoder->signals());
  return Vehicle{std::move(names), std::move(*decoder), std::move(normaliser)};
}

// Puts the policy in force (as the state directory holds it, verified again) into the pipeline,
// and its grantees' endpoints into the publisher thread.
Result<void> apply_policy_in_force(const policy::StateDirectory& state,
                                   const signing::Address& device, pipeline::FramePipeline& frames,
                                   pipeline::StorageWorker& storage) {
  const policy::SystemClock clock;
  Result<policy::PolicyVerifier> verifier = policy::PolicyVerifier::open(state, device, clock);
  if (!verifier) {
    return tl::unexpected(verifier.error());
  }
  const policy::VerifiedPolicy* in_force = verifier->in_force();
  if (in_force == nullptr) {
    const std::string why = verifier->load_refusal() ? verifier->load_refusal()->message
                                                     : std::string("none was ever installed");
    return fail(ErrorCode::kFailedPrecondition, "{}: no policy in force: {}", state.path().string(),
                why);
  }
  Result<policy::PolicyGate> gate =
      policy::PolicyGate::compile(in_force->policy, frames.normaliser().vss_paths());
  if (!gate) {
    return tl::unexpected(gate.error());
  }
  std::vector<signing::StreamCursor> cursors;
  for (const policy::Grantee& grantee : in_force->policy.grantees) {
    Result<signing::StreamCursor> cursor =
        pipeline::StreamCursorFile(storage.cursor_path(grantee.name)).load();
    if (!cursor) {
      return tl::unexpected(cursor.error());
    }
    cursors.push_back(*cursor);
  }
  frames.apply_policy(std::move(*gate), in_force->hash, cursors);
  storage.set_targets(pipeline::publish_targets(in_force->policy, device.to_checksum_hex()));
  pipeline::pipeline_logger()->info("policy version {} in force, {} grantees",
                                    in_force->policy.version, cursors.size());
  return {};
}

Result<std::unique_ptr<pipeline::FrameSource>> open_replay(const RunOptions& options,
                                                           const Vehicle& vehicle) {
  can::CandumpReaderOptions reader_options;
  reader_options.skip_bad_lines = true;
  Result<can::CandumpReader> reader = can::CandumpReader::open(
      options.replay.string(), can::BusTable(vehicle.bus_names), reader_options);
  if (!reader) {
    return tl::unexpected(reader.error());
  }
  Result<pipeline::CaptureReplayer> replayer =
      pipeline::CaptureReplayer::open(std::move(*reader), options.speed);
  if (!replayer) {
    return tl::unexpected(replayer.error());
  }
  return std::make_unique<pipeline::CaptureReplayer>(std::move(*replayer));
}

void log_status(const pipeline::FramePipeline& frames, const pipeline::StorageWorker& storage) {
  const pipeline::PipelineCounters& c = frames.counters();
  pipeline::pipeline_logger()->info(
      "status: {} frames, {} samples, {} VSS samples, {} batches ({} lost to the queue, {} "
      "signing failures), {} stored, {} evicted from spools",
      c.frames, c.samples, c.vss_samples, c.batches, c.batches_lost, c.sign_failures,
      storage.stored(), storage.spool_drops());
}

// Runs the storage thread and, on this thread, the reactor until it stops; then stops storage.
Result<void> run_threads(std::unique_ptr<pipeline::FrameSource> source,
                         const policy::StateDirectory& state, const signing::Address& device,
                         pipeline::FramePipeline& frames, pipeline::StorageWorker& storage,
                         std::chrono::milliseconds drain_timeout) {
  std::vector<std::unique_ptr<pipeline::FrameSource>> sources;
  sources.push_back(std::move(source));
  pipeline::ReactorOptions reactor_options;
  reactor_options.stop_when_sources_end = true;
  reactor_options.on_reload = [&] {
    if (Result<void> applied = apply_policy_in_force(state, device, frames, storage); !applied) {
      pipeline::pipeline_logger()->error("policy reload refused, the old one stays: {}",
                                         applied.error().message());
    }
  };
  reactor_options.on_status = [&] { log_status(frames, storage); };
  Result<pipeline::Reactor> reactor =
      pipeline::Reactor::create(frames, std::move(sources), std::move(reactor_options));
  if (!reactor) {
    return tl::unexpected(reactor.error());
  }
  storage.start();
  Result<void> ran = reactor->run();
  // The capture ended (not a signal): publish what is spooled, for at most the drain timeout,
  // unless SIGTERM or SIGINT comes first.
  const bool ended = std::all_of(reactor->sources().begin(), reactor->sources().end(),
                                 [](const auto& each) { return each->finished(); });
  const sigset_t stop_signals = stop_signal_set();
  const int cancel_fd = ended ? ::signalfd(-1, &stop_signals, SFD_CLOEXEC) : -1;
  Result<void> stored =
      storage.stop(ended ? drain_timeout : std::chrono::milliseconds(0), cancel_fd);
  if (cancel_fd >= 0) {
    ::close(cancel_fd);
  }
  log_status(frames, storage);
  if (!ran) {
    return ran;
  }
  return stored;
}

}  // namespace

Result<void> run_pipeline(const RunOptions& options) {
  if (Result<void> blocked = pipeline::Reactor::block_signals(); !blocked) {
    return blocked;
  }
  Result<config::DeviceConfig> config = config::load_device_config(options.config);
  if (!config) {
    return tl::unexpected(config.error());
  }
  Result<signing::SecretKey> key = signing::load_key_file(config->key);
  if (!key) {
    return tl::unexpected(key.error());
  }
  const signing::Address device = signing::address_of(*key);
  Result<policy::StateDirectory> state = policy::StateDirectory::open(config->state_dir);
  if (!state) {
    return tl::unexpected(state.error());
  }
  Result<Vehicle> vehicle = load_vehicle(*config);
  if (!vehicle) {
    return tl::unexpected(vehicle.error());
  }
  Result<std::string> boot = signing::generate_boot_id();
  if (!boot) {
    return tl::unexpected(boot.error());
  }
  pipeline::BoundedQueue<pipeline::OutgoingBatch> reactor_to_storage(kQueueCapacity);
  pipeline::StorageOptions storage_options;
  storage_options.spool_dir = config->spool_dir;
  storage_options.state_dir = config->state_dir;
  storage_options.spool_max_bytes = config->spool_max_bytes;
  storage_options.session.client_id = device.to_checksum_hex();
  Result<std::unique_ptr<pipeline::StorageWorker>> storage =
      pipeline::StorageWorker::create(reactor_to_storage, std::move(storage_options));
  if (!storage) {
    return tl::unexpected(storage.error());
  }
  std::vector<std::string> bus_names = vehicle->bus_names;
  pipeline::FramePipeline frames(std::move(vehicle->decoder), std::move(vehicle->normaliser), *key,
                                 *boot, reactor_to_storage);
  frames.set_notify_fd((*storage)->notify_fd());
  frames.set_spool_drop_source(
      [worker = storage->get()] { return worker->take_unreported_spool_drops(); });
  if (Result<void> applied = apply_policy_in_force(*state, device, frames, **storage); !applied) {
    return applied;
  }
  Result<std::unique_ptr<pipeline::FrameSource>> source = open_replay(options, *vehicle);
  if (!source) {
    return tl::unexpected(source.error());
  }
  pipeline::pipeline_logger()->info("device {} boot {}: replaying {} over {}",
                                    device.to_checksum_hex(), *boot, options.replay.string(),
                                    fmt::join(bus_names, ","));
  return run_threads(std::move(*source), *state, device, frames, **storage, options.drain_timeout);
}

}  // namespace autograph::daemon
