// `autographd --config FILE`: the daemon. Reads the configured SocketCAN buses until SIGTERM or
// SIGINT, through the same pipeline as `autograph replay` (daemon/pipeline_runner). Logs go to
// stderr (the journal under systemd), level from SPDLOG_LEVEL (default info).
#include <spdlog/cfg/env.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "daemon/pipeline_runner.hpp"

int main(int argc, char** argv) {
  CLI::App app{"autographd: owner-controlled vehicle data gateway daemon"};
  app.set_version_flag("--version", AUTOGRAPH_VERSION);
  std::string config;
  app.add_option("--config", config, "device configuration file")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  spdlog::cfg::load_env_levels();
  autograph::Result<void> ran = autograph::daemon::run_pipeline({config, {}, 1.0});
  if (!ran) {
    std::fprintf(stderr, "autographd: %s\n", ran.error().message().c_str());
    return 1;
  }
  return 0;
}
