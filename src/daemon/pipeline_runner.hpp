// The one wiring file: builds the daemon from its configuration and runs it until SIGTERM or
// SIGINT (or, for a replay, the end of the capture). `autograph replay` runs it with a capture
// as the frame source; `autographd` with the configuration's SocketCAN buses (daemon/live_buses,
// kernel filters following every applied policy). Under systemd (Type=notify) it sends READY=1
// once the sources are open and the policy applied, WATCHDOG=1 from the reactor loop at half
// the watchdog interval, STOPPING=1 on SIGTERM/SIGINT (daemon/systemd_notifier).
//
// Order: configuration, device key, state directory and the policy in force (verified again),
// vehicle profile (DBCs per interface, VSS mapping) -> decoder and normaliser, a boot id, the
// storage worker ("ag-publisher": spool per stream, cursors, MQTT-TLS to each grantee's
// endpoint), the frame pipeline with each stream's persisted cursor, the reactor ("ag-reactor":
// this thread). SIGHUP re-reads the policy in force from the state directory and applies it at a
// batch boundary; the publisher thread then learns the new grantees and endpoints. SIGTERM:
// open batches are closed, signed and spooled, the sessions DISCONNECT, and it returns (within
// 2 s); what was not delivered stays in the spools and goes out after the next start.
//
// Thread: call from main before any other thread exists (it blocks the signals it handles).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "autograph/result.hpp"

namespace autograph::daemon {

struct RunOptions {
  std::filesystem::path config;  // the device configuration (config/device_config.hpp)
  std::filesystem::path replay;  // a candump log to replay; empty: the live SocketCAN buses
  double speed = 1.0;            // replay speed, 0 = max (CaptureReplayer)
  // When the capture has ended and every batch is spooled: how long to keep publishing until the
  // spools are empty, before DISCONNECT. SIGTERM or SIGINT cuts it short.
  std::chrono::milliseconds drain_timeout{30'000};
};

// Runs the daemon. Returns ok after a clean stop (every open batch closed, signed and spooled),
// or the first error that kept it from starting or from storing batches, naming the file,
// field or call.
[[nodiscard]] Result<void> run_pipeline(const RunOptions& options);

}  // namespace autograph::daemon
