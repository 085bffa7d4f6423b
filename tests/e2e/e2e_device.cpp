#include "e2e/e2e_device.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace autograph::e2e {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::string failure(const std::string& what, const ProcessResult& result) {
  return what + " exited " + std::to_string(result.status) + ": " + result.err + result.out;
}

}  // namespace

pid_t start_process(const std::vector<std::string>& argv, const fs::path& out,
                    const fs::path& err) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  static int counter = 0;
  const fs::path base = fs::temp_directory_path() / ("autograph-e2e-" + std::to_string(::getpid()) +
                                                     "-" + std::to_string(++counter));
  const fs::path out = base.string() + ".out";
  const fs::path err = base.string() + ".err";
  const pid_t pid = start_process(argv, out, err);
  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.out = read_file(out);
  result.err = read_file(err);
  fs::remove(out);
  fs::remove(err);
  return result;
}

E2eDevice::E2eDevice(fs::path dir, Vehicle vehicle, uint16_t port, fs::path ca)
    : dir_(std::move(dir)), vehicle_(std::move(vehicle)), port_(port), ca_(std::move(ca)) {}

std::string E2eDevice::set_up() {
  const auto cli = std::string(AUTOGRAPH_CLI_PATH);
  const auto timeout = std::chrono::seconds(30);
  fs::create_directories(dir_ / "state");
  fs::permissions(dir_ / "state", fs::perms::owner_all);
  const ProcessResult device =
      run_process({cli, "keygen", "--key", (dir_ / "state/device.key").string()}, timeout);
  const ProcessResult owner =
      run_process({cli, "keygen", "--key", (dir_ / "owner.key").string()}, timeout);
  if (device.status != 0 || owner.status != 0) {
    return failure("keygen", device.status != 0 ? device : owner);
  }
  address_ = trimmed(device.out);
  const ProcessResult pair =
      run_process({cli, "pair", "--owner", trimmed(owner.out), "--state", (dir_ / "state").string(),
                   "--key", (dir_ / "state/device.key").string()},
                  timeout);
  if (pair.status != 0) {
    return failure("pair", pair);
  }
  std::ostringstream config;
  config << "{\"can\":[{\"interface\":\"can0\",\"bitrate\":500000},"
         << "{\"interface\":\"can1\",\"bitrate\":500000}],\"vehicle\":{\"dbc\":{";
  const char* separator = "";
  for (const auto& [bus, files] : vehicle_.dbc) {
    config << separator << "\"" << bus << "\":[";
    for (size_t i = 0; i < files.size(); ++i) {
      config << (i == 0 ? "" : ",") << "\"" << files[i].string() << "\"";
    }
    config << "]";
    separator = ",";
  }
  config << "},\"vss_mapping\":\"" << vehicle_.mapping.string() << "\"},"
         << "\"key\":\"" << (dir_ / "state/device.key").string() << "\","
         << "\"state_dir\":\"" << (dir_ / "state").string() << "\","
         << "\"spool\":{\"dir\":\"" << (dir_ / "state/spool").string()
         << "\",\"max_bytes\":16777216},"
         << "\"control\":{\"host\":\"localhost\",\"port\":" << port_ << ",\"ca\":\"" << ca_.string()
         << "\"},\"status_interval_s\":1}\n";
  write_file(dir_ / "config.json", config.str());
  return "";
}

std::string E2eDevice::policy(int version, const std::vector<Grantee>& grantees) const {
  std::ostringstream text;
  text << "{\"device\":\"" << address_ << "\",\"version\":" << version
       << ",\"issued\":\"2026-01-01T00:00:00Z\",\"expires\":\"2036-01-01T00:00:00Z\","
       << "\"grantees\":[";
  for (size_t g = 0; g < grantees.size(); ++g) {
    const Grantee& grantee = grantees[g];
    text << (g == 0 ? "" : ",") << "{\"name\":\"" << grantee.name
         << "\",\"endpoint\":{\"host\":\"localhost\",\"port\":" << port_ << ",\"ca\":\""
         << ca_.string() << "\",\"topic\":\"e2e/{device}/{grantee}\"},\"signals\":[";
    for (size_t r = 0; r < grantee.rules.size(); ++r) {
      text << (r == 0 ? "" : ",") << "{\"path\":\"" << grantee.rules[r].pattern
           << "\",\"every_ms\":" << grantee.rules[r].every_ms << "}";
    }
    text << "],\"batch\":{\"max_interval_s\":" << grantee.max_interval_s
         << ",\"max_samples\":10000}}";
  }
  text << "]}\n";
  return text.str();
}

std::string E2eDevice::apply(const std::string& policy) {
  const auto cli = std::string(AUTOGRAPH_CLI_PATH);
  const fs::path file = dir_ / "policy.json";
  write_file(file, policy);
  const ProcessResult sign =
      run_process({cli, "policy", "sign", "--key", (dir_ / "owner.key").string(), file.string()},
                  std::chrono::seconds(30));
  if (sign.status != 0) {
    return failure("policy sign", sign);
  }
  const ProcessResult apply =
      run_process({cli, "policy", "apply", file.string(), "--state", (dir_ / "state").string(),
                   "--key", (dir_ / "state/device.key").string()},
                  std::chrono::seconds(30));
  return apply.status == 0 ? "" : failure("policy apply", apply);
}

std::string E2eDevice::envelope(const std::string& policy, const fs::path& key) {
  static int counter = 0;
  const std::string name = "pushed-" + std::to_string(++counter);
  write_file(dir_ / (name + ".json"), policy);
  const ProcessResult sign = run_process(
      {AUTOGRAPH_CLI_PATH, "policy", "sign", "--key", key.string(),
       (dir_ / (name + ".json")).string(), "--envelope", (dir_ / (name + ".env")).string()},
      std::chrono::seconds(30));
  return sign.status == 0 ? read_file(dir_ / (name + ".env")) : "";
}

int E2eDevice::publish_policy(const std::string& payload) const {
  const fs::path file = dir_ / "publish.env";
  write_file(file, payload);
  return run_process({"mosquitto_pub", "-h", "localhost", "-p", std::to_string(port_), "--cafile",
                      ca_.string(), "-q", "1", "-t", "autograph/" + address_ + "/policy", "-f",
                      file.string()},
                     std::chrono::seconds(30))
      .status;
}

pid_t E2eDevice::start_watch(const std::string& topic, const std::string& client_id,
                             const std::string& name) const {
  return start_process(
      {AUTOGRAPH_CLI_PATH, "watch", "--jsonl", "--port", std::to_string(port_), "--ca",
       ca_.string(), "--device", address_, "--topic", topic, "--client-id", client_id},
      dir_ / (name + ".jsonl"), dir_ / (name + ".log"));
}

pid_t E2eDevice::start_replay(const std::string& speed) {
  const std::string name = "replay-" + std::to_string(++replays_);
  return start_process({AUTOGRAPH_CLI_PATH, "replay", "--config", (dir_ / "config.json").string(),
                        "--log", vehicle_.capture.string(), "--speed", speed},
                       dir_ / (name + ".out"), dir_ / (name + ".log"));
}

ProcessResult E2eDevice::decode(const std::vector<std::string>& signals) const {
  std::vector<std::string> argv = {AUTOGRAPH_CLI_PATH, "decode"};
  for (const auto& [bus, files] : vehicle_.dbc) {
    for (const fs::path& file : files) {
      argv.push_back("--dbc");
      argv.push_back(bus + "=" + file.string());
    }
  }
  argv.push_back("--log");
  argv.push_back(vehicle_.capture.string());
  std::string list;
  for (const std::string& signal : signals) {
    list += (list.empty() ? "" : ",") + signal;
  }
  argv.push_back("--signals");
  argv.push_back(list);
  return run_process(argv, std::chrono::seconds(120));
}

}  // namespace autograph::e2e
