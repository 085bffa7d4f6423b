// Helpers for the OBD-II tests in the QEMU guest: a raw CAN socket that sees (and can send)
// every frame on a vcan bus, the ECU simulator as a child process, and a bounded loop that
// drives an ObdPoller the way the reactor does.
#pragma once

#include <gtest/gtest.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "autograph/can/obd_poller.hpp"

namespace autograph::obd_vm {

// The simulator and scenario paths, from the command line (see obd_vm_test.cpp's main).
inline std::string g_simulator;
inline std::string g_scenario;
inline std::string g_scenario29;  // 29-bit addressing (scenario29.txt), the third argument

// Why the guest-only tests cannot run here, or empty.
inline std::string vcan_missing(const char* interface) {
  const int fd = socket(PF_CAN, SOCK_DGRAM, CAN_ISOTP);
  if (fd < 0) {
    return "no CAN_ISOTP in this kernel; the real run is in the QEMU guest (ctest -L vm)";
  }
  static_cast<void>(close(fd));
  if (if_nametoindex(interface) == 0) {
    return std::string("no interface ") + interface + " (tests/vm/run creates it)";
  }
  return {};
}

#define AG_SKIP_WITHOUT_ISOTP(interface)                                  \
  do {                                                                    \
    const std::string why = ::autograph::obd_vm::vcan_missing(interface); \
    if (!why.empty()) {                                                   \
      GTEST_SKIP() << why;                                                \
    }                                                                     \
  } while (false)

inline int64_t monotonic_ms() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1'000'000;
}

// A CAN_RAW socket on `interface`: receives every frame any other socket sends there.
class RawCan {
 public:
  explicit RawCan(const char* interface) {
    fd_ = socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK, CAN_RAW);
    EXPECT_GE(fd_, 0);
    sockaddr_can address{};
    address.can_family = AF_CAN;
    address.can_ifindex = static_cast<int>(if_nametoindex(interface));
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ~RawCan() { static_cast<void>(close(fd_)); }
  RawCan(const RawCan&) = delete;
  RawCan& operator=(const RawCan&) = delete;

  int fd() const { return fd_; }
  // Every frame waiting now (first those wait_for() read but did not return).
  std::vector<can_frame> drain() {
    std::vector<can_frame> frames(unread_.begin(), unread_.end());
    unread_.clear();
    can_frame frame{};
    while (read(fd_, &frame, sizeof frame) == static_cast<ssize_t>(sizeof frame)) {
      frames.push_back(frame);
    }
    return frames;
  }
  // The next frame with `id` within `timeout_ms`, or a frame with can_id 0 when none came;
  // frames with other IDs are kept in `seen`.
  can_frame wait_for(canid_t id, int timeout_ms, std::vector<can_frame>& seen) {
    const int64_t end = monotonic_ms() + timeout_ms;
    while (monotonic_ms() < end) {
      if (unread_.empty()) {
        pollfd waiting{fd_, POLLIN, 0};
        poll(&waiting, 1, 10);
      }
      const std::vector<can_frame> frames = drain();
      for (size_t i = 0; i < frames.size(); ++i) {
        seen.push_back(frames[i]);
        if (frames[i].can_id == id) {
          unread_.assign(frames.begin() + static_cast<ptrdiff_t>(i) + 1, frames.end());
          return frames[i];
        }
      }
    }
    return can_frame{};
  }
  bool send(canid_t id, std::vector<uint8_t> data) {
    can_frame frame{};
    frame.can_id = id;
    frame.len = static_cast<uint8_t>(data.size());
    std::copy(data.begin(), data.end(), frame.data);
    return write(fd_, &frame, sizeof frame) == static_cast<ssize_t>(sizeof frame);
  }

 private:
  int fd_ = -1;
  std::vector<can_frame> unread_;
};

// The ECU simulator as a child process; its output (one line per request) is collected.
class Simulator {
 public:
  Simulator(const char* interface, const std::string& scenario) {
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    pid_ = fork();
    if (pid_ == 0) {
      // A blocked SIGTERM (Reactor::block_signals) survives exec: unblock it for stop().
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      execl(g_simulator.c_str(), g_simulator.c_str(), interface, scenario.c_str(), nullptr);
      _exit(127);
    }
    close(out[1]);
    output_ = fdopen(out[0], "r");
    char line[256];
    ready_ = output_ != nullptr && fgets(line, sizeof line, output_) != nullptr &&
             std::string(line) == "ready\n";
  }
  ~Simulator() { stop(); }
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  bool ready() const { return ready_; }
  // Stops the simulator and returns everything it printed after "ready".
  std::string stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
      char line[256];
      while (output_ != nullptr && fgets(line, sizeof line, output_) != nullptr) {
        text_ += line;
      }
      if (output_ != nullptr) {
        fclose(output_);
        output_ = nullptr;
      }
    }
    return text_;
  }

 private:
  pid_t pid_ = -1;
  FILE* output_ = nullptr;
  bool ready_ = false;
  std::string text_;
};

// Drives `poller` for `duration_ms` as the reactor would (poll on its fd, then read_batch),
// handing every frame to `on_frame`; `on_idle` (may be empty) runs after each wake-up.
inline void drive(can::ObdPoller& poller, int64_t duration_ms,
                  const std::function<void(const can::CanFrame&)>& on_frame,
                  const std::function<void()>& on_idle = {}) {
  std::vector<can::CanFrame> frames(16);
  const int64_t end = monotonic_ms() + duration_ms;
  while (monotonic_ms() < end) {
    pollfd waiting{poller.fd(), POLLIN, 0};
    poll(&waiting, 1, 10);
    const Result<size_t> n = poller.read_batch(frames);
    ASSERT_TRUE(n.has_value()) << n.error().message();
    for (size_t i = 0; i < *n; ++i) {
      on_frame(frames[i]);
    }
    if (on_idle) {
      on_idle();
    }
  }
}

}  // namespace autograph::obd_vm
