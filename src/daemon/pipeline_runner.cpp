#include "daemon/pipeline_runner.hpp"

#include <fmt/ranges.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/key_store.hpp"
#include "autograph/signing/random_bytes.hpp"
#include "config/device_config.hpp"
#include "daemon/daemon_status.hpp"
#include "daemon/live_buses.hpp"
#include "daemon/obd_link.hpp"
#include "daemon/systemd_notifier.hpp"
#include "normaliser/vss_mapping.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "pipeline/capture_replayer.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/pipeline_logger.hpp"
#include "pipeline/policy_inbox.hpp"
#include "pipeline/publish_target.hpp"
#include "pipeline/reactor.hpp"
#include "pipeline/status_reporter.hpp"
#include "pipeline/storage_worker.hpp"
#include "pipeline/stream_cursor_file.hpp"
#include "policy/clock.hpp"
#include "policy/policy_gate.hpp"
#include "policy/policy_verifier.hpp"
#include "policy/state_directory.hpp"

namespace autograph::daemon {
namespace {

// Set during static initialisation, before main(): as close to the start of the process as the
// program can see (only the dynamic loader ran before it).
const std::chrono::steady_clock::time_point kProcessStarted = std::chrono::steady_clock::now();

constexpr size_t kQueueCapacity = 256;  // signed batches between the two threads

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// What the reactor's callbacks work on; all of it lives in run_pipeline's frame.
struct Wiring {
  const policy::StateDirectory& state;
  const signing::Address& device;
  pipeline::FramePipeline& frames;
  pipeline::StorageWorker& storage;
  pipeline::PolicyInbox& inbox;
  DaemonStatus& status;
  ObdLink& obd;
};

struct Vehicle {
  std::vector<std::string> bus_names;
  can::Decoder decoder;
  normaliser::VssNormaliser normaliser;
};

// The configured buses' DBCs, then the "obd" bus when polling is configured.
Result<Vehicle> load_vehicle(const config::DeviceConfig& config, ObdLink& obd) {
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
  if (Result<void> added = obd.add_bus(buses, names); !added) {
    return tl::unexpected(added.error());
  }
  Result<normaliser::VssMapping> mapping =
      obd.load_mapping(config.vehicle.vss_mapping, buses, names);
  if (!mapping) {
    return tl::unexpected(mapping.error());
  }
  // Only the DBC signals the mapping maps: the normaliser would drop every other one, and the
  // decoder's fast path skips unselected messages at the cost of a table look-up (bench/decode:
  // Kona can0 10.5 -> 4.4 ns, RAV4 can0 21 -> 11.5 ns per decoded frame). A mapping of nothing
  // selects nothing the normaliser could use either way; an empty selection means "every signal".
  std::vector<uint32_t> every_vss(mapping->vss_paths().size());
  std::iota(every_vss.begin(), every_vss.end(), 0u);
  can::SignalSelection selection;
  selection.keys = mapping->needed_signals(every_vss);
  Result<can::Decoder> decoder = can::Decoder::compile(buses, selection);
  if (!decoder) {
    return tl::unexpected(decoder.error());
  }
  normaliser::VssNormaliser normaliser =
      normaliser::VssNormaliser::compile(*mapping, decoder->signals());
  return Vehicle{std::move(names), std::move(*decoder), std::move(normaliser)};
}

// Puts the policy in force (as the state directory holds it, verified again) into the pipeline,
// its grantees' endpoints into the publisher thread, and its version into the status event.
Result<void> apply_policy_in_force(const Wiring& w) {
  const policy::SystemClock clock;
  Result<policy::PolicyVerifier> verifier = policy::PolicyVerifier::open(w.state, w.device, clock);
  if (!verifier) {
    return tl::unexpected(verifier.error());
  }
  const policy::VerifiedPolicy* in_force = verifier->in_force();
  if (in_force == nullptr) {
    if (verifier->load_refusal()) {
      w.inbox.record(*verifier->load_refusal());
    }
    const std::string why = verifier->load_refusal() ? verifier->load_refusal()->message
                                                     : std::string("none was ever installed");
    return fail(ErrorCode::kFailedPrecondition, "{}: no policy in force: {}",
                w.state.path().string(), why);
  }
  Result<policy::PolicyGate> gate =
      policy::PolicyGate::compile(in_force->policy, w.frames.normaliser().vss_paths());
  if (!gate) {
    return tl::unexpected(gate.error());
  }
  std::vector<signing::StreamCursor> cursors;
  for (const policy::Grantee& grantee : in_force->policy.grantees) {
    Result<signing::StreamCursor> cursor =
        pipeline::StreamCursorFile(w.storage.cursor_path(grantee.name)).load();
    if (!cursor) {
      return tl::unexpected(cursor.error());
    }
    cursors.push_back(*cursor);
  }
  w.frames.apply_policy(std::move(*gate), in_force->hash, cursors);
  w.storage.set_targets(pipeline::publish_targets(in_force->policy, w.device.to_checksum_hex()));
  w.status.set_policy(in_force->policy.version, in_force->hash);
  w.obd.set_policy(in_force->policy.obd);
  pipeline::pipeline_logger()->info("policy version {} in force, {} grantees",
                                    in_force->policy.version, cursors.size());
  return {};
}

Result<std::vector<std::unique_ptr<pipeline::FrameSource>>> open_replay(const RunOptions& options,
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
  std::vector<std::unique_ptr<pipeline::FrameSource>> sources;
  sources.push_back(std::make_unique<pipeline::CaptureReplayer>(std::move(*replayer)));
  return sources;
}

// Live buses (no replay): one SocketCAN source per configured interface, whose kernel filters
// follow every policy the pipeline applies from now on, and the OBD-II poller when configured
// (its bus is the last of `bus_names`).
Result<std::vector<std::unique_ptr<pipeline::FrameSource>>> open_live(
    const config::DeviceConfig& config, const std::vector<std::string>& bus_names,
    pipeline::FramePipeline& frames, std::optional<LiveBuses>& live, ObdLink& obd) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  Result<LiveBuses> buses =
      LiveBuses::open(config.can, static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u +
                                      static_cast<uint64_t>(now.tv_nsec));
  if (!buses) {
    return tl::unexpected(buses.error());
  }
  live.emplace(std::move(*buses));
  frames.set_policy_listener([&live, &frames] { live->apply_filters(frames); });
  live->apply_filters(frames);
  std::vector<std::unique_ptr<pipeline::FrameSource>> sources = live->take_sources();
  const auto obd_bus = static_cast<uint16_t>(bus_names.size() - 1);
  if (Result<void> opened = obd.open_source(obd_bus, bus_names, frames.texts(), sources); !opened) {
    return tl::unexpected(opened.error());
  }
  return sources;
}

// The control endpoint, when configured: where the status stream goes, and the policy topic,
// whose messages go to `inbox`.
void add_control(const config::DeviceConfig& config, const std::string& device,
                 pipeline::PolicyInbox& inbox, pipeline::StorageOptions& options) {
  if (!config.control) {
    return;
  }
  const config::ControlEndpoint& control = *config.control;
  const policy::Endpoint endpoint{control.host,        control.port,       control.ca,
                                  control.client_cert, control.client_key, ""};
  options.status_target =
      pipeline::PublishTarget{std::string(pipeline::kStatusStream),
                              policy::expand_topic(control.status_topic, device, ""), endpoint};
  options.control = pipeline::ControlTarget{
      endpoint, policy::expand_topic(control.policy_topic, device, ""),
      [&inbox](const mqtt::PublishPacket& message) {
        (void)inbox.receive(message.topic,
                            std::string_view(reinterpret_cast<const char*>(message.payload.data()),
                                             message.payload.size()));
      }};
}

// The storage/publisher worker for `config`, publishing as `device`.
Result<std::unique_ptr<pipeline::StorageWorker>> make_storage(
    const config::DeviceConfig& config, const signing::Address& device,
    pipeline::PolicyInbox& inbox, pipeline::BoundedQueue<pipeline::OutgoingBatch>& queue) {
  pipeline::StorageOptions options;
  options.spool_dir = config.spool_dir;
  options.state_dir = config.state_dir;
  options.spool_max_bytes = config.spool_max_bytes;
  options.session.client_id = device.to_checksum_hex();
  add_control(config, device.to_checksum_hex(), inbox, options);
  return pipeline::StorageWorker::create(queue, std::move(options));
}

// Runs the storage thread and, on this thread, the reactor until it stops; then stops storage.
Result<void> run_threads(std::vector<std::unique_ptr<pipeline::FrameSource>> sources, bool replay,
                         const Wiring& w, std::chrono::seconds status_interval,
                         std::chrono::milliseconds drain_timeout) {
  const SystemdNotifier systemd;
  pipeline::ReactorOptions reactor_options;
  reactor_options.started = kProcessStarted;
  reactor_options.stop_when_sources_end = replay;
  reactor_options.status_interval = status_interval;
  reactor_options.reload_fd = w.inbox.reload_fd();
  reactor_options.tick_interval = systemd.watchdog_ping_interval();
  reactor_options.on_tick = [&systemd] { systemd.watchdog(); };
  reactor_options.on_stopping = [&systemd] { systemd.stopping(); };
  reactor_options.on_reload = [&w] {
    if (Result<void> applied = apply_policy_in_force(w); !applied) {
      pipeline::pipeline_logger()->error("policy reload refused, the old one stays: {}",
                                         applied.error().message());
    }
  };
  const std::vector<std::unique_ptr<pipeline::FrameSource>>* running = nullptr;
  reactor_options.on_status = [&w, &running] { w.status.report(*running); };
  Result<pipeline::Reactor> reactor =
      pipeline::Reactor::create(w.frames, std::move(sources), std::move(reactor_options));
  if (!reactor) {
    return tl::unexpected(reactor.error());
  }
  running = &reactor->sources();
  w.storage.start();
  systemd.ready();
  Result<void> ran = reactor->run();
  // The capture ended (not a signal): publish what is spooled, for at most the drain timeout,
  // unless SIGTERM or SIGINT comes first.
  const bool ended = std::all_of(reactor->sources().begin(), reactor->sources().end(),
                                 [](const auto& each) { return each->finished(); });
  const sigset_t stop_signals = stop_signal_set();
  const int cancel_fd = ended ? ::signalfd(-1, &stop_signals, SFD_CLOEXEC) : -1;
  Result<void> stored =
      w.storage.stop(ended ? drain_timeout : std::chrono::milliseconds(0), cancel_fd);
  if (cancel_fd >= 0) {
    ::close(cancel_fd);
  }
  w.status.log_summary(reactor->sources());
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
  ObdLink obd(config->obd);  // outlives the reactor, which owns its source
  Result<Vehicle> vehicle = load_vehicle(*config, obd);
  if (!vehicle) {
    return tl::unexpected(vehicle.error());
  }
  Result<std::string> boot = signing::generate_boot_id();
  if (!boot) {
    return tl::unexpected(boot.error());
  }
  const policy::SystemClock policy_clock;
  Result<std::unique_ptr<pipeline::PolicyInbox>> inbox =
      pipeline::PolicyInbox::create(config->state_dir, device, policy_clock);
  if (!inbox) {
    return tl::unexpected(inbox.error());
  }
  pipeline::BoundedQueue<pipeline::OutgoingBatch> reactor_to_storage(kQueueCapacity);
  Result<std::unique_ptr<pipeline::StorageWorker>> storage =
      make_storage(*config, device, **inbox, reactor_to_storage);
  if (!storage) {
    return tl::unexpected(storage.error());
  }
  Result<signing::StreamCursor> status_cursor =
      pipeline::StreamCursorFile((*storage)->cursor_path(std::string(pipeline::kStatusStream)))
          .load();
  if (!status_cursor) {
    return tl::unexpected(status_cursor.error());
  }
  std::vector<std::string> bus_names = vehicle->bus_names;
  pipeline::FramePipeline frames(std::move(vehicle->decoder), std::move(vehicle->normaliser), *key,
                                 *boot, reactor_to_storage);
  frames.set_notify_fd((*storage)->notify_fd());
  frames.set_spool_drop_source(
      [worker = storage->get()] { return worker->take_unreported_spool_drops(); });
  pipeline::StatusReporter reporter(*key, *boot, *status_cursor, reactor_to_storage,
                                    (*storage)->notify_fd());
  DaemonStatus status(frames, **storage, **inbox, reporter, bus_names.size());
  status.watch_obd(obd);
  const Wiring wiring{*state, device, frames, **storage, **inbox, status, obd};
  if (Result<void> applied = apply_policy_in_force(wiring); !applied) {
    return applied;
  }
  const bool replay = !options.replay.empty();
  std::optional<LiveBuses> live;  // outlives the reactor, which calls its filter listener
  Result<std::vector<std::unique_ptr<pipeline::FrameSource>>> sources =
      replay ? open_replay(options, *vehicle) : open_live(*config, bus_names, frames, live, obd);
  if (!sources) {
    return tl::unexpected(sources.error());
  }
  pipeline::pipeline_logger()->info("device {} boot {}: {} {} over {}", device.to_checksum_hex(),
                                    *boot, replay ? "replaying" : "reading",
                                    replay ? options.replay.string() : "live buses",
                                    fmt::join(bus_names, ","));
  return run_threads(std::move(*sources), replay, wiring,
                     std::chrono::seconds(config->status_interval_s), options.drain_timeout);
}

}  // namespace autograph::daemon
