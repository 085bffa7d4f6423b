#include "mqtt/mosquitto_broker.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace autograph::mqtt::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "autograph-mqtt-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

const std::filesystem::path& test_certificates() {
  static TempDir dir;
  static const bool made = [] {
    const std::string command = std::string("bash ") + AUTOGRAPH_SOURCE_DIR +
                                "/tests/mqtt/make_test_certs.sh " + dir.path().string();
    return std::system(command.c_str()) == 0;
  }();
  if (!made) {
    std::abort();
  }
  return dir.path();
}

uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::abort();
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& output) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
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

int wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

MosquittoBroker::MosquittoBroker() : certs_(test_certificates()) {
  for (auto& port : ports_) {
    port = free_port();
  }
  const auto cert = [&](const char* name) { return (certs_ / name).string(); };
  std::ofstream conf(dir_.path() / "mosquitto.conf");
  conf << "per_listener_settings false\nallow_anonymous true\n"
       << "persistence true\npersistence_location " << dir_.path().string() << "/\n"
       << "log_dest file " << (dir_.path() / "mosquitto.log").string() << "\nlog_type all\n"
       << "user root\n"
       // Without it the broker's PUBACKs wait on Nagle behind the client's delayed ACK (40 ms)
       // whenever the client has nothing more to send, which hides the client's own speed.
       << "set_tcp_nodelay true\n";
  const char* server_certs[4] = {"server", "server", "expired", "wrong_name"};
  for (int i = 0; i < 4; ++i) {
    conf << "\nlistener " << ports_[i] << " 127.0.0.1\ncafile " << cert("ca.crt") << "\ncertfile "
         << cert(server_certs[i]) << ".crt\nkeyfile " << cert(server_certs[i]) << ".key\n";
    if (static_cast<Listener>(i) == Listener::kMutualTls) {
      conf << "require_certificate true\n";
    }
  }
}

MosquittoBroker::~MosquittoBroker() { stop(); }

bool MosquittoBroker::start() {
  stop();
  pid_ = ::fork();
  if (pid_ == 0) {
    const std::string conf = (dir_.path() / "mosquitto.conf").string();
    ::execlp("mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) {
    error_ = "fork failed";
    return false;
  }
  return wait_until_listening(std::chrono::seconds(10));
}

bool MosquittoBroker::wait_until_listening(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (uint16_t port : ports_) {
    while (true) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(port);
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
      ::close(fd);
      if (up) {
        break;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        error_ = "mosquitto exited during start-up; log:\n" + log();
        return false;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        error_ = "mosquitto did not listen on port " + std::to_string(port) + "; log:\n" + log();
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return true;
}

void MosquittoBroker::stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGCONT);
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void MosquittoBroker::pause() { ::kill(pid_, SIGSTOP); }

void MosquittoBroker::resume() { ::kill(pid_, SIGCONT); }

uint16_t MosquittoBroker::port(Listener listener) const {
  return ports_[static_cast<int>(listener)];
}

std::string MosquittoBroker::log() const {
  std::ifstream file(dir_.path() / "mosquitto.log");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace autograph::mqtt::testing
