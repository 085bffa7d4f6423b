// The real two-bus Kona capture replayed onto vcan0 and vcan1 by can-utils' canplayer, read by
// two SocketCanBus: every frame arrives on its bus, in order, with its id, length and data, and
// kernel timestamps that order the frames the way canplayer sent them. Runs in the QEMU guest
// (tests/vm/run); skipped, saying why, on a kernel without CAN.
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>

#include <time.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/socketcan_bus.hpp"
#include "can/vcan_test_util.hpp"

extern char** environ;

namespace autograph::can {
namespace {

using testing_vcan::realtime_ns;

std::string capture_path() {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread starts
  const char* vm_data = std::getenv("AUTOGRAPH_VM_DATA_DIR");
  const std::string dir = vm_data != nullptr ? vm_data : AUTOGRAPH_TEST_DATA_DIR;
  return dir + "/hyundai-kona-ev/capture.log";
}

// The capture's frames in file order; bus 0 = can0, 1 = can1.
std::vector<CanFrame> load_capture(const std::string& path) {
  std::vector<CanFrame> frames;
  auto reader = CandumpReader::open(path, BusTable({"can0", "can1"}));
  if (!reader.has_value()) {
    ADD_FAILURE() << reader.error().message();
    return frames;
  }
  CanFrame frame;
  for (;;) {
    auto next = reader->next(frame);
    if (!next.has_value()) {
      ADD_FAILURE() << next.error().message();
      break;
    }
    if (!*next) {
      break;
    }
    frames.push_back(frame);
  }
  return frames;
}

uint64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

pid_t start_canplayer(const std::string& path) {
  std::vector<std::string> args{"canplayer", "-I", path,         "-t",
                                "-g",        "0",  "vcan0=can0", "vcan1=can1"};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, "canplayer", nullptr, nullptr, argv.data(), environ);
  EXPECT_EQ(spawned, 0) << "cannot start canplayer: " << std::system_category().message(spawned);
  return spawned == 0 ? pid : -1;
}

// Reads both buses while canplayer runs, until it has exited and the queues are empty (bounded:
// 60 s). Returns canplayer's exit status (-1 when it did not exit in time).
int read_while_playing(pid_t player, std::array<SocketCanBus*, 2> buses,
                       std::array<std::vector<CanFrame>, 2>& received) {
  std::vector<CanFrame> batch(256);
  int player_status = -1;
  const uint64_t deadline = realtime_ns() + 60'000'000'000u;
  while (realtime_ns() < deadline) {
    std::array<pollfd, 2> waiting{pollfd{buses[0]->fd(), POLLIN, 0},
                                  pollfd{buses[1]->fd(), POLLIN, 0}};
    const int ready = poll(waiting.data(), waiting.size(), 200);
    for (size_t b = 0; b < 2; ++b) {
      auto got = buses[b]->read_batch(batch);
      if (!got.has_value()) {
        ADD_FAILURE() << got.error().message();
        return player_status;
      }
      received[b].insert(received[b].end(), batch.begin(),
                         batch.begin() + static_cast<ptrdiff_t>(*got));
    }
    if (player_status < 0) {
      int status = 0;
      if (waitpid(player, &status, WNOHANG) == player) {
        player_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
      }
    } else if (ready == 0) {
      break;  // canplayer is done and nothing arrived for 200 ms
    }
  }
  return player_status;
}

TEST(SocketCanBusOnVcan, ReceivesEveryFrameOfTheKonaCaptureReplayedByCanplayer) {
  AG_SKIP_WITHOUT_VCAN("vcan1");
  const std::string path = capture_path();
  const std::vector<CanFrame> capture = load_capture(path);
  ASSERT_GT(capture.size(), 30000u) << path;
  std::array<SocketCanBus*, 2> buses{};
  std::array<std::optional<SocketCanBus>, 2> opened;
  for (uint16_t b = 0; b < 2; ++b) {
    SocketCanOptions options;
    options.interface = b == 0 ? "vcan0" : "vcan1";
    options.bus = b;
    options.receive_all = true;
    options.receive_buffer_bytes = 64 << 20;  // the whole capture fits: no drop by design
    auto bus = SocketCanBus::open(options);
    ASSERT_TRUE(bus.has_value()) << bus.error().message();
    opened[b].emplace(std::move(*bus));
    buses[b] = &*opened[b];
  }
  std::array<std::vector<CanFrame>, 2> received;
  const uint64_t start = realtime_ns();
  const uint64_t cpu_start = thread_cpu_ns();
  const pid_t player = start_canplayer(path);
  ASSERT_GT(player, 0);
  EXPECT_EQ(read_while_playing(player, buses, received), 0) << "canplayer failed";
  const uint64_t cpu_ns = thread_cpu_ns() - cpu_start;
  const uint64_t end = realtime_ns();
  // For the record (emulated CPU under TCG: far slower than a real board), not an assertion.
  const auto wall_ms = static_cast<double>(end - start) / 1e6;
  const auto cpu_ms = static_cast<double>(cpu_ns) / 1e6;
  const auto frames = static_cast<double>(capture.size());
  std::printf("read %.0f frames in %.0f ms; reading thread CPU %.0f ms = %.2f s per million\n",
              frames, wall_ms, cpu_ms, cpu_ms * 1e3 / frames);

  std::array<size_t, 2> next{0, 0};
  uint64_t previous_t_ns = start;
  for (size_t i = 0; i < capture.size(); ++i) {
    const CanFrame& want = capture[i];
    ASSERT_LT(next[want.bus], received[want.bus].size()) << "frame " << i << " missing";
    const CanFrame& got = received[want.bus][next[want.bus]++];
    ASSERT_EQ(got.id, want.id) << "capture frame " << i;
    ASSERT_EQ(got.len, want.len) << "capture frame " << i;
    ASSERT_EQ(got.flags, want.flags) << "capture frame " << i;
    ASSERT_EQ(got.bus, want.bus) << "capture frame " << i;
    ASSERT_EQ(std::memcmp(got.data, want.data, sizeof got.data), 0) << "capture frame " << i;
    // canplayer sends in file order, one frame at a time: the kernel's receive times, across
    // both buses, follow that order.
    ASSERT_GE(got.t_ns, previous_t_ns) << "capture frame " << i;
    previous_t_ns = got.t_ns;
  }
  EXPECT_LE(previous_t_ns, end);
  EXPECT_EQ(next[0], received[0].size()) << "frames on vcan0 that the capture does not have";
  EXPECT_EQ(next[1], received[1].size()) << "frames on vcan1 that the capture does not have";
  EXPECT_EQ(buses[0]->kernel_drops() + buses[1]->kernel_drops(), 0u);
  EXPECT_EQ(buses[0]->rejected_frames() + buses[1]->rejected_frames(), 0u);
  RecordProperty("frames", static_cast<int>(capture.size()));
  RecordProperty("replay_ms", static_cast<int>((end - start) / 1'000'000u));
}

}  // namespace
}  // namespace autograph::can
