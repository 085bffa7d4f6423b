// `autograph replay --config FILE --log CAPTURE [--speed 1|N|max] [--drain-timeout S]`: the
// daemon's pipeline with a candump log as the frame source; signed batches go to the spools and
// to the grantees' endpoints as autographd's would. When the capture ends it keeps publishing
// until the spools are empty or S seconds (default 30) pass, then disconnects.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "daemon/pipeline_runner.hpp"
#include "pipeline/capture_replayer.hpp"

namespace autograph::cli {
namespace {

struct ReplayOptions {
  std::string config;
  std::string log;
  std::string speed = "1";
  double drain_timeout_s = 30;
};

int run_replay(const ReplayOptions& options) {
  Result<double> speed = pipeline::CaptureReplayer::parse_speed(options.speed);
  if (!speed) {
    std::fprintf(stderr, "autograph replay: %s\n", speed.error().message().c_str());
    return kExitUsage;
  }
  if (!(options.drain_timeout_s >= 0 && options.drain_timeout_s <= 86'400)) {
    std::fprintf(stderr, "autograph replay: --drain-timeout %g: not 0..86400 seconds\n",
                 options.drain_timeout_s);
    return kExitUsage;
  }
  const auto drain = std::chrono::milliseconds(static_cast<int64_t>(options.drain_timeout_s * 1e3));
  Result<void> ran = daemon::run_pipeline({options.config, options.log, *speed, drain});
  if (!ran) {
    std::fprintf(stderr, "autograph replay: %s\n", ran.error().message().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* command = app.add_subcommand(
      "replay", "run the daemon's pipeline over a candump log (batches signed into the spools)");
  command->add_option("--config", options->config, "device configuration file")->required();
  command->add_option("--log", options->log, "candump log to replay")->required();
  command->add_option("--speed", options->speed, "1 = real time, N = N times as fast, max")
      ->capture_default_str();
  command
      ->add_option("--drain-timeout", options->drain_timeout_s,
                   "seconds to keep publishing after the capture ends, until the spools are empty")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_replay(*options); });
}

}  // namespace autograph::cli
