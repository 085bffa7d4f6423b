// E2eDevice: a device set up the way a person would with the `autograph` tool, in a temporary
// directory: device key, owner key, pairing, a configuration for one vehicle profile, and
// owner-signed policies whose grantees publish to a local broker. It runs `autograph replay`,
// `autograph watch` and `autograph decode` as processes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "e2e/expected_samples.hpp"

namespace autograph::e2e {

// A vehicle profile and its capture.
struct Vehicle {
  std::string name;
  std::filesystem::path capture;
  std::map<std::string, std::vector<std::filesystem::path>> dbc;  // by bus
  std::filesystem::path mapping;
};

struct Grantee {
  std::string name;
  std::vector<RateRule> rules;
  int max_interval_s = 2;
};

// A finished process: exit status (128 + signal when killed, -1 on timeout) and its output.
struct ProcessResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Starts `argv` with stdout to `out` and stderr to `err`; returns the pid.
pid_t start_process(const std::vector<std::string>& argv, const std::filesystem::path& out,
                    const std::filesystem::path& err);
// Runs `argv` to the end (killed after `timeout`).
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);
std::string read_file(const std::filesystem::path& path);

class E2eDevice {
 public:
  // `dir` must exist and be empty; the broker listens with TLS on localhost:`port`, its
  // certificate chains to `ca`.
  E2eDevice(std::filesystem::path dir, Vehicle vehicle, uint16_t port, std::filesystem::path ca);

  // Creates both keys, pairs and writes the configuration (with the control endpoint). Returns
  // an empty string, or what failed.
  std::string set_up();

  // The policy document for `grantees`, each publishing to e2e/{device}/{grantee}.
  std::string policy(int version, const std::vector<Grantee>& grantees) const;
  // Writes `policy` to the directory, signs it with the owner's key and applies it. Returns an
  // empty string, or what failed.
  std::string apply(const std::string& policy);
  // The policy-topic envelope ({"policy","signature"}) of `policy`, signed with the key file
  // `key` (the owner's, or another to be refused). Empty when signing failed.
  std::string envelope(const std::string& policy, const std::filesystem::path& key);
  // Publishes `payload` at QoS 1 on the device's policy topic with mosquitto_pub (a client that
  // is not ours). Returns mosquitto_pub's exit status.
  int publish_policy(const std::string& payload) const;
  std::filesystem::path owner_key() const { return dir_ / "owner.key"; }
  std::filesystem::path device_key() const { return dir_ / "state/device.key"; }
  std::string status_topic() const { return "autograph/" + address_ + "/status"; }

  // Starts `autograph watch --jsonl` on `topic`, output to `name`.jsonl in the directory.
  pid_t start_watch(const std::string& topic, const std::string& client_id,
                    const std::string& name) const;
  // Starts `autograph replay` of the capture; its output goes to replay-<n>.log.
  pid_t start_replay(const std::string& speed);
  // `autograph decode` of the capture, only the signals the mapping reads.
  ProcessResult decode(const std::vector<std::string>& signals) const;

  const std::string& address() const { return address_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string topic(const std::string& grantee) const { return "e2e/" + address_ + "/" + grantee; }

 private:
  std::filesystem::path dir_;
  Vehicle vehicle_;
  uint16_t port_;
  std::filesystem::path ca_;
  std::string address_;
  int replays_ = 0;
};

}  // namespace autograph::e2e
