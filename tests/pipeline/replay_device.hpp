// ReplayDevice: a device set up as `autograph` commands set one up (keygen, pair, policy sign and
// apply, a configuration file) for tests that run `autograph replay` as a process, with the
// policy's grantees pointed at a test broker. Plus the process helpers those tests share.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace autograph::pipeline::testing {

inline const std::string kCli = AUTOGRAPH_CLI_PATH;
inline const std::string kKonaDir = AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev";

// Runs `command` through the shell; returns its stdout; fails the test on a non-zero exit.
inline std::string run_shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buffer[512];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    out += buffer;
  }
  const int status = pipe != nullptr ? ::pclose(pipe) : -1;
  EXPECT_EQ(status, 0) << command << "\n" << out;
  return out;
}

inline std::string first_address_in(const std::string& text) {
  const size_t at = text.find("0x");
  return at == std::string::npos ? "" : text.substr(at, 42);
}

// Starts `args` (args[0] a path) with stderr going to `log` (appended); returns the pid.
inline pid_t start_process(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    if (FILE* out = std::fopen(log.c_str(), "a")) {
      ::dup2(::fileno(out), 2);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Returns `pid`'s wait status once it has exited, else -1 (WNOHANG).
inline int exit_status_now(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid ? status : -1;
}

// A device key, an owner key, the pairing, a signed policy in force and a configuration file,
// all under `dir`. The policy has two grantees on the Kona signals, both publishing to
// `host`:`port` with the CA in `ca`, topics fleet/{device}/{grantee}.
struct ReplayDevice {
  ReplayDevice(const std::filesystem::path& root, uint16_t port, const std::string& ca)
      : dir(root), broker_port(port), ca_file(ca) {
    std::filesystem::create_directories(dir / "state");
    device = first_address_in(
        run_shell(kCli + " keygen --key " + (dir / "state/device.key").string() + " 2>&1"));
    owner = first_address_in(run_shell(kCli + " keygen --key " + owner_key() + " 2>&1"));
    run_shell(kCli + " pair --owner " + owner + " --key " + key() + " --state " + state());
    install_policy(write_policy(1, "policy.json"));
    write_config("");
  }

  // Writes version `version` of the two-grantee policy to `name` and returns its path.
  std::string write_policy(int version, const std::string& name,
                           const std::string& insurer_signal = "Vehicle.Speed") const {
    const std::string endpoint = R"({"host": "localhost", "port": )" + std::to_string(broker_port) +
                                 R"(, "ca": ")" + ca_file +
                                 R"(", "topic": "fleet/{device}/{grantee}"})";
    std::ofstream(dir / name) << R"({"device": ")" << device << R"(", "version": )" << version
                              << R"(, "issued": "2026-01-01T00:00:00Z",
 "expires": "2099-01-01T00:00:00Z", "grantees": [
  {"name": "insurer", "endpoint": )"
                              << endpoint << R"(, "signals": [{"path": ")" << insurer_signal
                              << R"(", "every_ms": 1000}],
   "batch": {"max_interval_s": 2, "max_samples": 1000}},
  {"name": "fleet", "endpoint": )"
                              << endpoint
                              << R"(, "signals": [{"path": "Vehicle.*", "every_ms": 100}],
   "batch": {"max_interval_s": 5, "max_samples": 100}}]})";
    return (dir / name).string();
  }

  void install_policy(const std::string& path) const {
    run_shell(kCli + " policy sign " + path + " --key " + owner_key());
    run_shell(kCli + " policy apply " + path + " --key " + key() + " --state " + state());
  }

  // The configuration; `extra` is spliced in as further top-level members (",\"a\": 1").
  void write_config(const std::string& extra) const {
    std::ofstream(dir / "config.json")
        << R"({"can": [{"interface": "can0", "bitrate": 500000}, {"interface": "can1", "bitrate": 500000}],
 "vehicle": {"dbc": {"can0": [")"
        << kKonaDir << R"(/vehicle.dbc"], "can1": [")" << kKonaDir << R"(/vehicle.dbc", ")"
        << kKonaDir << R"(/ccan.dbc"]}, "vss_mapping": ")" << AUTOGRAPH_SOURCE_DIR
        << R"(/vehicles/hyundai-kona-ev/mapping.json"},
 "key": ")"
        << key() << R"(", "state_dir": ")" << state() << R"(", "spool": {"dir": ")"
        << (dir / "spool").string() << R"(", "max_bytes": 16777216})" << extra << "}";
  }

  std::string key() const { return (dir / "state/device.key").string(); }
  std::string owner_key() const { return (dir / "owner.key").string(); }
  std::string state() const { return (dir / "state").string(); }
  std::string log() const { return (dir / "replay.log").string(); }
  std::vector<std::string> replay_args(const std::string& speed,
                                       const std::string& drain_s = "30") const {
    return {kCli,
            "replay",
            "--config",
            (dir / "config.json").string(),
            "--log",
            kKonaDir + "/capture.log",
            "--speed",
            speed,
            "--drain-timeout",
            drain_s};
  }

  std::filesystem::path dir;
  uint16_t broker_port;
  std::string ca_file;
  std::string device;
  std::string owner;
};

}  // namespace autograph::pipeline::testing
