// autographd under a stand-in for systemd: a unix datagram socket as NOTIFY_SOCKET and a
// watchdog setting in the environment, as systemd gives a Type=notify service. On this host the
// configured buses do not exist (no CAN in its kernel), so the daemon must start anyway with its
// buses down and retrying: READY=1, then WATCHDOG=1 pings at half the watchdog interval, then
// STOPPING=1 and exit 0 on SIGTERM.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kKona = AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev";

class ScratchDir {
 public:
  ScratchDir() : path_(fs::temp_directory_path() / ("ag-notify-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The notify socket systemd would listen on.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path.string()) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    EXPECT_GE(fd_, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    EXPECT_LT(path_.size(), sizeof address.sun_path);
    path_.copy(address.sun_path, sizeof address.sun_path - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ~NotifySocket() { static_cast<void>(::close(fd_)); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // The next datagram within `limit`, or "" when none came.
  std::string next(std::chrono::milliseconds limit) {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(limit.count())) <= 0) {
      return "";
    }
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

int run(const std::string& command) {
  return std::system(command.c_str());  // NOLINT(concurrency-mt-unsafe): single-threaded test
}

// Starts autographd with systemd's environment; stderr goes to `log`.
pid_t start_daemon(const fs::path& config, const std::string& notify_socket, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("NOTIFY_SOCKET", notify_socket.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "400000", 1);  // pings every 200 ms
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    std::FILE* err = std::freopen(log.c_str(), "w", stderr);
    static_cast<void>(err);
    ::execl(AUTOGRAPHD_PATH, AUTOGRAPHD_PATH, "--config", config.c_str(), nullptr);
    ::_exit(127);
  }
  return pid;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AutographdUnderSystemd, SendsReadyWatchdogAndStoppingAndExitsCleanlyWithBusesDown) {
  ScratchDir scratch;
  const fs::path dir = scratch.path();
  ASSERT_EQ(run(std::string(AUTOGRAPH_SOURCE_DIR "/tests/daemon/make_test_device.sh ") +
                dir.string() + " " + AUTOGRAPH_CLI_PATH + " " + kKona + " " +
                AUTOGRAPH_SOURCE_DIR "/vehicles/hyundai-kona-ev/mapping.json can0 can1 8883 " +
                (dir / "ca.pem").string() + " >/dev/null"),
            0);
  NotifySocket notify(dir / "notify.sock");
  const pid_t daemon = start_daemon(dir / "config.json", notify.path(), dir / "daemon.log");
  ASSERT_GT(daemon, 0);

  EXPECT_EQ(notify.next(5000ms), "READY=1") << read_file(dir / "daemon.log");
  const auto first_ping = std::chrono::steady_clock::now();
  int pings = 0;
  while (std::chrono::steady_clock::now() - first_ping < 1000ms) {
    const std::string message = notify.next(500ms);
    ASSERT_EQ(message, "WATCHDOG=1");
    ++pings;
  }
  EXPECT_GE(pings, 4) << "every 200 ms for 1 s";
  EXPECT_LE(pings, 7);

  ASSERT_EQ(::kill(daemon, SIGTERM), 0);
  std::string message;
  for (int i = 0; i < 20 && message != "STOPPING=1"; ++i) {
    message = notify.next(2000ms);
    ASSERT_TRUE(message == "WATCHDOG=1" || message == "STOPPING=1") << message;
  }
  int status = 0;
  for (int i = 0; i < 200 && ::waitpid(daemon, &status, WNOHANG) != daemon; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  if (!WIFEXITED(status)) {
    ::kill(daemon, SIGKILL);
    ::waitpid(daemon, &status, 0);
    FAIL() << "no exit within 2 s of SIGTERM";
  }
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_file(dir / "daemon.log");
  const std::string log = read_file(dir / "daemon.log");
  EXPECT_NE(log.find("can0: down"), std::string::npos) << log;
  EXPECT_NE(log.find("can1: down"), std::string::npos) << log;
}

}  // namespace
