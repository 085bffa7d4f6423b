// `autograph`: the command-line tool (decode captures, keys, signatures, policies).
#include <cstdio>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"autograph: owner-controlled vehicle data gateway tools"};
  app.set_version_flag("--version", AUTOGRAPH_VERSION);
  app.require_subcommand(1);
  int exit_code = autograph::cli::kExitOk;
  autograph::cli::add_key_commands(app, exit_code);
  autograph::cli::add_verify_command(app, exit_code);
  autograph::cli::add_decode_command(app, exit_code);
  autograph::cli::add_policy_command(app, exit_code);
  autograph::cli::add_pair_command(app, exit_code);
  autograph::cli::add_replay_command(app, exit_code);
  autograph::cli::add_watch_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
