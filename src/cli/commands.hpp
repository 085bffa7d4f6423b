// The subcommands of the `autograph` tool. Each adds itself to the app and runs when chosen;
// its callback sets the process exit status through `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace autograph::cli {

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and found a problem (bad input, ...)
inline constexpr int kExitUsage = 2;    // wrong arguments

// One function per command family: `void add_<name>_command(CLI::App& app, int& exit_code);`
void add_policy_command(CLI::App& app, int& exit_code);  // policy_command.cpp
void add_pair_command(CLI::App& app, int& exit_code);    // pair_command.cpp

// keygen, address, sign-message: the device key (key_commands.cpp).
void add_key_commands(CLI::App& app, int& exit_code);
// verify: signed envelopes and their chain (verify_command.cpp).
void add_verify_command(CLI::App& app, int& exit_code);
// `autograph decode --dbc [BUS=]FILE... --log FILE [--format jsonl|csv] [--signals A,B]
// [--choices]`: decodes a candump log (decode_command.cpp).
void add_decode_command(CLI::App& app, int& exit_code);

// replay_command.cpp
void add_replay_command(CLI::App& app, int& exit_code);

// watch_command.cpp: subscribe over MQTT-TLS and verify every message.
void add_watch_command(CLI::App& app, int& exit_code);

}  // namespace autograph::cli
