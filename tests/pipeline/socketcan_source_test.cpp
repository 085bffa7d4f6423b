// SocketCanSource and the reactor on real vcan interfaces: run in the QEMU guest by
// tests/vm/run (ctest: vm.pipeline_socketcan); skipped, saying why, on a kernel without CAN.
// Interfaces are taken down, removed and created with ip(8); frames come from a raw socket or
// from canplayer replaying the real Kona capture.
#include "pipeline/socketcan_source.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <chrono>
#include <map>
#include <thread>

#include "can/vcan_test_util.hpp"
#include "kona_pipeline.hpp"
#include "pipeline/kernel_filters.hpp"
#include "pipeline/reactor.hpp"
#include "pipeline_test_support.hpp"

namespace autograph::pipeline {
namespace {

using namespace std::chrono_literals;
using can::testing_vcan::realtime_ns;
using can::testing_vcan::shell;
using can::testing_vcan::VcanSender;

constexpr uint64_t kMs = 1'000'000;

SocketCanSourceOptions options_for(const char* interface) {
  SocketCanSourceOptions options;
  options.interface = interface;
  options.bus = 1;
  options.bus_names = {"other", interface};
  options.first_retry = 50ms;
  options.max_retry = 400ms;
  return options;
}

std::unique_ptr<SocketCanSource> open_source(const SocketCanSourceOptions& options) {
  auto source = SocketCanSource::open(options, realtime_ns());
  EXPECT_TRUE(source.has_value()) << source.error().message();
  return std::move(*source);
}

// Reads until `count` frames arrived or 500 ms passed without any.
std::vector<can::CanFrame> read_frames(SocketCanSource& source, size_t count) {
  std::vector<can::CanFrame> frames;
  std::vector<can::CanFrame> batch(64);
  while (frames.size() < count && source.fd() >= 0) {
    pollfd waiting{source.fd(), POLLIN, 0};
    if (poll(&waiting, 1, 500) <= 0) {
      break;
    }
    Result<size_t> got = source.read_batch(batch);
    EXPECT_TRUE(got.has_value());
    frames.insert(frames.end(), batch.begin(), batch.begin() + static_cast<ptrdiff_t>(*got));
  }
  return frames;
}

// Creates a vcan interface for one test and removes it afterwards.
class ScratchVcan {
 public:
  explicit ScratchVcan(std::string name) : name_(std::move(name)) {
    EXPECT_EQ(shell(("ip link add dev " + name_ + " type vcan && ip link set " + name_ +
                     " mtu 72 && ip link set " + name_ + " up")
                        .c_str()),
              0);
  }
  ~ScratchVcan() { static_cast<void>(shell(("ip link del " + name_ + " 2>/dev/null").c_str())); }
  int ip(const std::string& args) const { return shell(("ip link " + args).c_str()); }

 private:
  std::string name_;
};

TEST(SocketCanSource, StartsDownWithoutItsInterfaceAndOpensOnceItAppears) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  const uint64_t start = realtime_ns();
  auto source = SocketCanSource::open(options_for("vcan6"), start);
  ASSERT_TRUE(source.has_value()) << "a missing interface is an outage, not an error";
  SocketCanSource& bus = **source;
  EXPECT_TRUE(bus.counters().down);
  EXPECT_EQ(bus.counters().outages, 1u);
  EXPECT_EQ(bus.fd(), -1);
  EXPECT_EQ(bus.recovery_due_ns(), start + 50 * kMs);
  bus.recover(start + 50 * kMs);
  EXPECT_EQ(bus.recovery_due_ns(), start + 150 * kMs) << "back-off doubles: 100 ms";
  bus.recover(start + 150 * kMs);
  bus.recover(start + 350 * kMs);
  EXPECT_EQ(bus.recovery_due_ns(), start + 750 * kMs) << "capped at max_retry: 400 ms";
  EXPECT_EQ(bus.counters().outages, 1u) << "one outage however many retries";

  ScratchVcan vcan("vcan6");
  bus.recover(start + 750 * kMs);
  EXPECT_FALSE(bus.counters().down);
  EXPECT_GE(bus.fd(), 0);
  EXPECT_EQ(bus.recovery_due_ns(), UINT64_MAX);
  ASSERT_TRUE(bus.set_filter({}, true).has_value());
  VcanSender sender("vcan6");
  ASSERT_TRUE(sender.send(0x123, {1, 2, 3}));
  const std::vector<can::CanFrame> frames = read_frames(bus, 1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].bus, 1);
  EXPECT_EQ(bus.counters().frames_per_bus[1], 1u);
}

TEST(SocketCanSource, InterfaceDownIsOneOutageAndTheReopenedSourceKeepsFilterAndCounts) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  ScratchVcan vcan("vcan5");
  std::unique_ptr<SocketCanSource> source = open_source(options_for("vcan5"));
  ASSERT_FALSE(source->counters().down);
  ASSERT_TRUE(source->set_filter({0x123}, false).has_value());
  {
    VcanSender sender("vcan5");
    ASSERT_TRUE(sender.send(0x456, {9}));
    ASSERT_TRUE(sender.send(0x123, {1}));
  }
  ASSERT_EQ(read_frames(*source, 2).size(), 1u) << "the filter passes 0x123 only";

  ASSERT_EQ(vcan.ip("set vcan5 down"), 0);
  std::vector<can::CanFrame> batch(8);
  const uint64_t down_at = realtime_ns();
  Result<size_t> read = source->read_batch(batch);
  ASSERT_TRUE(read.has_value()) << "a down interface is not an error of the source";
  EXPECT_EQ(*read, 0u);
  EXPECT_TRUE(source->counters().down);
  EXPECT_EQ(source->counters().outages, 1u);
  EXPECT_EQ(source->fd(), -1) << "out of epoll while down";
  EXPECT_GE(source->recovery_due_ns(), down_at + 50 * kMs);
  EXPECT_LE(source->recovery_due_ns(), realtime_ns() + 50 * kMs);
  source->recover(source->recovery_due_ns());
  EXPECT_TRUE(source->counters().down) << "still down";

  ASSERT_EQ(vcan.ip("set vcan5 up"), 0);
  source->recover(source->recovery_due_ns());
  ASSERT_FALSE(source->counters().down);
  VcanSender sender("vcan5");
  ASSERT_TRUE(sender.send(0x456, {9}));
  ASSERT_TRUE(sender.send(0x123, {2}));
  const std::vector<can::CanFrame> frames = read_frames(*source, 2);
  ASSERT_EQ(frames.size(), 1u) << "the filter was applied again on reopening";
  EXPECT_EQ(frames[0].data[0], 2);
  EXPECT_EQ(source->counters().frames, 2u) << "counts go on over the reopen";
  EXPECT_EQ(source->counters().outages, 1u);
}

TEST(SocketCanSource, RemovedInterfaceIsAnOutageUntilItIsCreatedAgain) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  auto vcan = std::make_unique<ScratchVcan>("vcan4");
  std::unique_ptr<SocketCanSource> source = open_source(options_for("vcan4"));
  vcan.reset();  // ip link del
  std::vector<can::CanFrame> batch(8);
  ASSERT_TRUE(source->read_batch(batch).has_value());
  EXPECT_TRUE(source->counters().down);
  source->recover(source->recovery_due_ns());
  EXPECT_TRUE(source->counters().down);
  vcan = std::make_unique<ScratchVcan>("vcan4");
  source->recover(source->recovery_due_ns());
  EXPECT_FALSE(source->counters().down);
  EXPECT_EQ(source->counters().outages, 1u);
}

TEST(SocketCanSource, ABitrateOnVcanIsRefusedAndTheSourceWaitsForTheInterface) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  ASSERT_EQ(shell("ip link add dev vcan3 type vcan"), 0);  // down
  SocketCanSourceOptions options = options_for("vcan3");
  options.bitrate = 500000;
  std::unique_ptr<SocketCanSource> source = open_source(options);
  EXPECT_TRUE(source->counters().down) << "vcan has no bitrate: not started by the source";
  ASSERT_EQ(shell("ip link set vcan3 up"), 0);
  source->recover(source->recovery_due_ns());
  EXPECT_FALSE(source->counters().down);
  ASSERT_EQ(shell("ip link del vcan3"), 0);
}

TEST(SocketCanSource, KernelDropsAreCountedWhenTheReceiveQueueOverflows) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  ScratchVcan vcan("vcan2");
  SocketCanSourceOptions options = options_for("vcan2");
  options.receive_buffer_bytes = 8192;  // a few dozen frames
  std::unique_ptr<SocketCanSource> source = open_source(options);
  ASSERT_TRUE(source->set_filter({}, true).has_value());
  VcanSender sender("vcan2");
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(sender.send(0x100, {static_cast<uint8_t>(i)}));
  }
  std::vector<can::CanFrame> all = read_frames(*source, 2000);
  ASSERT_TRUE(sender.send(0x100, {0}));  // the kernel reports its counter with the next frame
  const std::vector<can::CanFrame> last = read_frames(*source, 1);
  EXPECT_GT(source->counters().kernel_drops, 0u);
  EXPECT_EQ(all.size() + last.size() + source->counters().kernel_drops, 2001u)
      << "every frame was either read or counted as dropped";
}

// Policy -> kernel filter on the real Kona capture: with only Vehicle.Speed needed, exactly the
// frames of its message (CGW_450 on can0) reach userspace.
TEST(SocketCanSource, APolicyNeedingOnlySpeedLetsOnlyItsMessageThrough) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  const testing::KonaVehicle kona = testing::load_kona();
  policy::Policy speed_only;
  speed_only.version = 1;
  speed_only.grantees.push_back(
      testing::grantee("insurer", {testing::every("Vehicle.Speed", 1000)}, 10, 100));
  Result<policy::PolicyGate> gate =
      policy::PolicyGate::compile(speed_only, kona.normaliser.vss_paths());
  ASSERT_TRUE(gate.has_value());
  const std::vector<BusFilter> filters = kernel_filters(kona.decoder, kona.normaliser, *gate, 2);
  SocketCanSourceOptions options = options_for("vcan0");
  options.bus = 0;
  options.bus_names = {"vcan0", "vcan1"};
  std::unique_ptr<SocketCanSource> source = open_source(options);
  ASSERT_TRUE(source->set_filter(filters[0].ids, filters[0].receive_all).has_value());

  // The capture's own count of CGW_450 frames on can0.
  can::CandumpReaderOptions reader_options;
  reader_options.skip_bad_lines = true;
  auto reader = can::CandumpReader::open(testing::kKonaCapture, can::BusTable(testing::kKonaBuses),
                                         reader_options);
  ASSERT_TRUE(reader.has_value());
  size_t expected = 0;
  size_t total = 0;
  can::CanFrame frame;
  while (reader->next(frame).value_or(false)) {
    ++total;
    expected += frame.bus == 0 && frame.id == 0x450 ? 1 : 0;
  }
  ASSERT_GT(expected, 100u);
  const std::string play = "canplayer -t -I " + testing::kKonaCapture + " vcan0=can0 vcan1=can1";
  ASSERT_EQ(shell(play.c_str()), 0);
  const std::vector<can::CanFrame> frames = read_frames(*source, total);
  EXPECT_EQ(source->counters().kernel_drops, 0u);
  EXPECT_EQ(frames.size(), expected) << "of " << total << " frames in the capture";
  for (const can::CanFrame& f : frames) {
    ASSERT_EQ(f.id, 0x450u);
  }
}

// Blocks the reactor's signals in this thread for the test and restores the old mask after.
class BlockedSignals {
 public:
  BlockedSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~BlockedSignals() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The reactor takes a down bus out of epoll (no busy loop on its dead socket), retries on its
// timer, and reads the bus again once it is back.
TEST(SocketCanSource, TheReactorWaitsOutAnOutageWithoutSpinningAndReadsAgainAfter) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  BlockedSignals blocked;
  ScratchVcan vcan("vcan7");
  const signing::SecretKey key = testing::test_key();
  BoundedQueue<OutgoingBatch> queue(1024);
  testing::KonaVehicle kona = testing::load_kona();
  FramePipeline pipeline(std::move(kona.decoder), std::move(kona.normaliser), key, "boot1", queue);
  testing::apply(pipeline, testing::two_grantee_policy());
  SocketCanSourceOptions options = options_for("vcan7");
  options.bus = 0;
  options.bus_names = {"vcan7"};
  std::unique_ptr<SocketCanSource> owned = open_source(options);
  ASSERT_TRUE(owned->set_filter({}, true).has_value());
  std::vector<std::unique_ptr<FrameSource>> sources;
  sources.push_back(std::move(owned));
  Result<Reactor> reactor = Reactor::create(pipeline, std::move(sources), {});
  ASSERT_TRUE(reactor.has_value());
  std::thread thread([&] { EXPECT_TRUE(reactor->run().has_value()); });
  {
    VcanSender sender("vcan7");
    for (uint8_t i = 0; i < 10; ++i) {
      ASSERT_TRUE(sender.send(0x450, {i, 0, 0}));
    }
  }
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(vcan.ip("set vcan7 down"), 0);
  std::this_thread::sleep_for(100ms);
  const double cpu_before = process_cpu_seconds();
  std::this_thread::sleep_for(1000ms);
  const double cpu_used = process_cpu_seconds() - cpu_before;
  ASSERT_EQ(vcan.ip("set vcan7 up"), 0);
  std::this_thread::sleep_for(1000ms);  // > max_retry: reopened by now
  {
    VcanSender sender("vcan7");
    for (uint8_t i = 0; i < 5; ++i) {
      ASSERT_TRUE(sender.send(0x450, {i, 0, 0}));
    }
  }
  std::this_thread::sleep_for(300ms);
  ::kill(::getpid(), SIGTERM);
  thread.join();
  EXPECT_LT(cpu_used, 0.3) << "the reactor spun on the down bus for " << cpu_used << " s of 1 s";
  const FrameSourceCounters& counters = reactor->sources()[0]->counters();
  EXPECT_EQ(counters.frames, 15u);
  EXPECT_EQ(counters.outages, 1u);
  EXPECT_FALSE(counters.down);
  EXPECT_EQ(pipeline.counters().frames, 15u);
}

}  // namespace
}  // namespace autograph::pipeline
