// MosquittoBroker: a real mosquitto for integration tests, on 127.0.0.1 ports chosen free at run
// time, with throwaway certificates made by make_test_certs.sh (openssl CLI).
//
// Listeners: kTls (server certificate for localhost), kMutualTls (same, and a client
// certificate is required), kExpired (an expired server certificate), kWrongName (a certificate
// for other.invalid). Persistence is on, so stop() + start() keeps queued QoS 1 messages of
// persistent sessions, as a broker restart in the field does.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace autograph::mqtt::testing {

// A fresh directory under the system temp directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The test certificates, generated once per test process. Returns their directory.
const std::filesystem::path& test_certificates();

// A port on 127.0.0.1 that was free a moment ago.
uint16_t free_port();

// Starts `argv` (argv[0] looked up in PATH) with stdout and stderr sent to `output`. Returns
// its pid; the caller waits for it.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& output);

// Waits up to `timeout` for `pid` to exit; returns its exit status, or -1 after killing it when
// it didn't exit in time.
int wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

enum class Listener { kTls, kMutualTls, kExpired, kWrongName };

class MosquittoBroker {
 public:
  MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;
  ~MosquittoBroker();

  // Starts mosquitto and waits (up to 10 s) until every listener accepts TCP connections.
  // Returns false, with the reason in `error()`, when it doesn't come up.
  bool start();
  // SIGTERM, then waits for exit (mosquitto saves its persistence file on the way out).
  void stop();
  // SIGSTOP / SIGCONT: the broker keeps its sockets but answers nothing.
  void pause();
  void resume();

  uint16_t port(Listener listener) const;
  // The broker's log so far (log_type all).
  std::string log() const;
  const std::string& error() const { return error_; }
  const std::filesystem::path& certs() const { return certs_; }

 private:
  bool wait_until_listening(std::chrono::milliseconds timeout);

  TempDir dir_;
  std::filesystem::path certs_;
  uint16_t ports_[4] = {};
  pid_t pid_ = -1;
  std::string error_;
};

}  // namespace autograph::mqtt::testing
