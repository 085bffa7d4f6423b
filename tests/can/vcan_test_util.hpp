// Helpers for tests on real vcan interfaces (in the QEMU guest of tests/vm/run): skipping where
// the kernel has no CAN, a raw socket that sends test frames, and bounded waits for frames.
#pragma once

#include <gtest/gtest.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "autograph/can/socketcan_bus.hpp"

namespace autograph::can::testing_vcan {

// Why vcan tests cannot run here, or empty when `interface` is usable.
inline std::string vcan_missing_reason(const char* interface) {
  const int fd = socket(PF_CAN, SOCK_RAW, CAN_RAW);
  if (fd < 0) {
    return "this kernel has no AF_CAN (" + std::system_category().message(errno) +
           "); the real run is in the QEMU guest: tests/vm/run";
  }
  static_cast<void>(close(fd));
  if (if_nametoindex(interface) == 0) {
    return std::string("no interface ") + interface + "; tests/vm/run creates vcan0 and vcan1";
  }
  return {};
}

#define AG_SKIP_WITHOUT_VCAN(interface)                                                     \
  do {                                                                                      \
    const std::string why = ::autograph::can::testing_vcan::vcan_missing_reason(interface); \
    if (!why.empty()) {                                                                     \
      GTEST_SKIP() << why;                                                                  \
    }                                                                                       \
  } while (false)

// Runs a shell command (ip, cansend) in the guest; returns its exit status as system() does.
inline int shell(const char* command) {
  return std::system(command);  // NOLINT(concurrency-mt-unsafe): the tests are single-threaded
}

inline uint64_t realtime_ns() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

// A CAN_RAW socket on `interface` that sends test frames (the bus under test never writes).
class VcanSender {
 public:
  explicit VcanSender(const char* interface) {
    fd_ = socket(PF_CAN, SOCK_RAW, CAN_RAW);
    EXPECT_GE(fd_, 0);
    const int on = 1;
    EXPECT_EQ(setsockopt(fd_, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &on, sizeof on), 0);
    sockaddr_can address{};
    address.can_family = AF_CAN;
    address.can_ifindex = static_cast<int>(if_nametoindex(interface));
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ~VcanSender() { static_cast<void>(close(fd_)); }
  VcanSender(const VcanSender&) = delete;
  VcanSender& operator=(const VcanSender&) = delete;

  // Sends `size` bytes of `frame`, retrying a bounded number of times while the kernel has no
  // buffer; returns false when it never went out.
  bool send_bytes(const void* frame, size_t size) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
      if (write(fd_, frame, size) == static_cast<ssize_t>(size)) {
        return true;
      }
      if (errno != ENOBUFS && errno != EAGAIN) {
        return false;
      }
      usleep(1000);
    }
    return false;
  }
  bool send(const can_frame& frame) { return send_bytes(&frame, sizeof frame); }
  bool send(const canfd_frame& frame) { return send_bytes(&frame, sizeof frame); }
  bool send(canid_t id, std::initializer_list<uint8_t> data) {
    can_frame frame{};
    frame.can_id = id;
    frame.len = static_cast<uint8_t>(data.size());
    std::copy(data.begin(), data.end(), frame.data);
    return send(frame);
  }

 private:
  int fd_ = -1;
};

// Reads from `bus` until `count` frames arrived or `timeout_ms` passed with nothing new;
// returns what arrived. Stops at the first error, which it records as a test failure.
inline std::vector<CanFrame> read_frames(SocketCanBus& bus, size_t count, int timeout_ms = 500) {
  std::vector<CanFrame> frames;
  std::vector<CanFrame> batch(64);
  while (frames.size() < count) {
    pollfd waiting{bus.fd(), POLLIN, 0};
    if (poll(&waiting, 1, timeout_ms) <= 0) {
      break;
    }
    auto got = bus.read_batch(batch);
    if (!got.has_value()) {
      ADD_FAILURE() << got.error().message();
      break;
    }
    frames.insert(frames.end(), batch.begin(), batch.begin() + static_cast<ptrdiff_t>(*got));
  }
  return frames;
}

inline SocketCanOptions options_for(const char* interface, std::vector<uint32_t> ids,
                                    bool receive_all = false) {
  SocketCanOptions options;
  options.interface = interface;
  options.ids = std::move(ids);
  options.receive_all = receive_all;
  return options;
}

}  // namespace autograph::can::testing_vcan
