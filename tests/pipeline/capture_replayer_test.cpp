#include "pipeline/capture_replayer.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <time.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "autograph/can/candump_reader.hpp"

namespace autograph::pipeline {
namespace {

const std::string kRav4 = AUTOGRAPH_TEST_DATA_DIR "/toyota-rav4-comma2k19/capture.log";

can::CandumpReaderOptions skipping() {
  can::CandumpReaderOptions options;
  options.skip_bad_lines = true;
  return options;
}

uint64_t realtime_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// Reads everything, waiting on the fd like the reactor; gives up after `limit`.
std::vector<can::CanFrame> drain(CaptureReplayer& replayer, std::chrono::seconds limit) {
  std::vector<can::CanFrame> all;
  std::array<can::CanFrame, 64> batch;
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!replayer.finished() && std::chrono::steady_clock::now() < give_up) {
    pollfd pfd{replayer.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 1000) <= 0) {
      continue;
    }
    Result<size_t> n = replayer.read_batch(batch);
    EXPECT_TRUE(n.has_value());
    all.insert(all.end(), batch.begin(), batch.begin() + static_cast<ptrdiff_t>(n.value_or(0)));
  }
  return all;
}

TEST(CaptureReplayer, ReplaysARealCaptureAtMaxSpeedWithCountsPerBusAndRebasedTimes) {
  Result<can::CandumpReader> reference = can::CandumpReader::open(kRav4);
  ASSERT_TRUE(reference.has_value()) << reference.error().message();
  std::vector<can::CanFrame> expected;
  can::CanFrame frame;
  while (reference->next(frame).value()) {
    expected.push_back(frame);
  }
  ASSERT_GT(expected.size(), 1000u);

  Result<can::CandumpReader> reader = can::CandumpReader::open(kRav4, {}, skipping());
  ASSERT_TRUE(reader.has_value());
  const uint64_t before = realtime_ns();
  Result<CaptureReplayer> replayer =
      CaptureReplayer::open(std::move(*reader), CaptureReplayer::kMaxSpeed);
  const uint64_t after = realtime_ns();
  ASSERT_TRUE(replayer.has_value()) << replayer.error().message();
  EXPECT_GE(replayer->start_ns(), before);
  EXPECT_LE(replayer->start_ns(), after);

  const std::vector<can::CanFrame> got = drain(*replayer, std::chrono::seconds(60));
  ASSERT_TRUE(replayer->finished());
  ASSERT_EQ(got.size(), expected.size());
  std::array<uint64_t, 2> per_bus{};
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].id, expected[i].id) << "frame " << i;
    ASSERT_EQ(got[i].bus, expected[i].bus) << "frame " << i;
    ASSERT_EQ(got[i].t_ns, replayer->start_ns() + (expected[i].t_ns - expected[0].t_ns))
        << "frame " << i;
    ++per_bus.at(expected[i].bus);
  }
  EXPECT_EQ(replayer->interfaces(), (std::vector<std::string>{"can0", "can1"}));
  EXPECT_EQ(replayer->counters().frames, expected.size());
  EXPECT_EQ(replayer->counters().frames_per_bus[0], per_bus[0]);
  EXPECT_EQ(replayer->counters().frames_per_bus[1], per_bus[1]);
  EXPECT_EQ(replayer->counters().bad_input, 0u);
}

constexpr std::string_view kThreeFrames =
    "(100.000000) can0 123#01\n"
    "(100.300000) can1 124#02\n"
    "(100.600000) can0 125#03\n";

// Replays kThreeFrames at `speed`; returns the monotonic seconds from open to the last frame.
double paced_seconds(double speed, std::vector<can::CanFrame>& got) {
  const auto start = std::chrono::steady_clock::now();
  Result<CaptureReplayer> replayer = CaptureReplayer::open(
      can::CandumpReader::from_memory(kThreeFrames, "three.log", {}, skipping()), speed);
  EXPECT_TRUE(replayer.has_value());
  got = drain(*replayer, std::chrono::seconds(10));
  const auto end = std::chrono::steady_clock::now();
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(replayer->counters().frames_per_bus[0], 2u);
  EXPECT_EQ(replayer->counters().frames_per_bus[1], 1u);
  return std::chrono::duration<double>(end - start).count();
}

TEST(CaptureReplayer, PacesFramesAtRealTimeAndKeepsTheirSpacing) {
  std::vector<can::CanFrame> got;
  const double seconds = paced_seconds(1.0, got);
  EXPECT_GE(seconds, 0.6) << "a timerfd never fires early";
  EXPECT_LT(seconds, 5.0);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].t_ns - got[0].t_ns, 300'000'000u);
  EXPECT_EQ(got[2].t_ns - got[0].t_ns, 600'000'000u);
}

TEST(CaptureReplayer, SpeedNShortensTheWaitButNotTheFrameSpacing) {
  std::vector<can::CanFrame> got;
  const double seconds = paced_seconds(4.0, got);
  EXPECT_GE(seconds, 0.15);
  EXPECT_LT(seconds, 5.0);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].t_ns - got[0].t_ns, 600'000'000u);
}

TEST(CaptureReplayer, CountsMalformedLinesInsteadOfDroppingThemSilently) {
  constexpr std::string_view kText =
      "(1.000000) can0 123#01\n"
      "(1.100000) can0 12Z#01\n"
      "(1.200000) can0 123#0\n"
      "(1.300000) can0 123#02\n";
  Result<CaptureReplayer> replayer =
      CaptureReplayer::open(can::CandumpReader::from_memory(kText, "bad.log", {}, skipping()),
                            CaptureReplayer::kMaxSpeed);
  ASSERT_TRUE(replayer.has_value());
  EXPECT_EQ(drain(*replayer, std::chrono::seconds(5)).size(), 2u);
  EXPECT_EQ(replayer->counters().bad_input, 2u);
  EXPECT_NE(replayer->first_bad_line().find("bad.log:2:"), std::string::npos)
      << replayer->first_bad_line();
}

TEST(CaptureReplayer, ParsesSpeedsAndRefusesNonsense) {
  EXPECT_EQ(CaptureReplayer::parse_speed("max").value(), CaptureReplayer::kMaxSpeed);
  EXPECT_EQ(CaptureReplayer::parse_speed("1").value(), 1.0);
  EXPECT_EQ(CaptureReplayer::parse_speed("2.5").value(), 2.5);
  for (std::string_view bad : {"", "0", "-1", "fast", "1x", "nan", "inf"}) {
    Result<double> speed = CaptureReplayer::parse_speed(bad);
    ASSERT_FALSE(speed.has_value()) << bad;
    EXPECT_EQ(speed.error().code(), ErrorCode::kMalformed);
    EXPECT_NE(speed.error().message().find("--speed"), std::string::npos);
  }
}

TEST(CaptureReplayer, AnEmptyCaptureIsFinishedAtOnce) {
  Result<CaptureReplayer> replayer =
      CaptureReplayer::open(can::CandumpReader::from_memory("", "empty.log", {}, skipping()), 1.0);
  ASSERT_TRUE(replayer.has_value());
  EXPECT_TRUE(replayer->finished());
  std::array<can::CanFrame, 4> batch;
  EXPECT_EQ(replayer->read_batch(batch).value(), 0u);
}

}  // namespace
}  // namespace autograph::pipeline
