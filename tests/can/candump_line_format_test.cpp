// Formatting candump lines: exact text for each frame type, the checks on frames no line can
// express, and random round trips (format -> parse -> format).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "autograph/can/candump_line.hpp"
#include "can/can_frame_testing.hpp"

namespace autograph::can {
namespace {

std::string format(const CanFrame& frame, std::string_view iface = "can0") {
  char line[kMaxCandumpLineLength];
  return std::string(line, format_candump_line(frame, iface, line));
}

CanFrame classic(uint32_t id, std::initializer_list<uint8_t> bytes, uint64_t t_ns = 0) {
  CanFrame frame;
  frame.id = id;
  frame.t_ns = t_ns;
  for (uint8_t byte : bytes) {
    frame.data[frame.len++] = byte;
  }
  return frame;
}

TEST(CandumpLineFormat, WritesSixDigitFractionForWholeMicroseconds) {
  EXPECT_EQ(format(classic(0x109, {0x00, 0x01, 0xFF, 0x0F, 0x3D}, 1953613500000)),
            "(1953.613500) can0 109#0001FF0F3D");
  EXPECT_EQ(format(classic(0x1, {}, 0)), "(0.000000) can0 001#");
}

TEST(CandumpLineFormat, WritesNineDigitFractionOtherwise) {
  EXPECT_EQ(format(classic(0x7FF, {0xAB}, 1000000001)), "(1.000000001) can0 7FF#AB");
  EXPECT_EQ(format(classic(0x7FF, {}, UINT64_MAX)), "(18446744073.709551615) can0 7FF#");
}

TEST(CandumpLineFormat, WritesExtendedIdsWithEightUpperCaseDigits) {
  EXPECT_EQ(format(classic(0x1ABCDEF | CanFrame::kEffFlag, {0xde})), "(0.000000) can0 01ABCDEF#DE");
  EXPECT_EQ(format(classic(0x1FFFFFFF | CanFrame::kEffFlag, {})), "(0.000000) can0 1FFFFFFF#");
}

TEST(CandumpLineFormat, WritesRemoteRequests) {
  CanFrame frame = classic(0x123, {});
  frame.flags = CanFrame::kRtr;
  EXPECT_EQ(format(frame), "(0.000000) can0 123#R");
  frame.len = 7;
  EXPECT_EQ(format(frame), "(0.000000) can0 123#R7");
  frame.len = 8;
  frame.len8_dlc = 12;
  EXPECT_EQ(format(frame), "(0.000000) can0 123#R8_C");
}

TEST(CandumpLineFormat, WritesRawDlcOnlyForEightByteClassicFrames) {
  CanFrame frame = classic(0x123, {1, 2, 3, 4, 5, 6, 7, 8});
  frame.len8_dlc = 15;
  EXPECT_EQ(format(frame), "(0.000000) can0 123#0102030405060708_F");
  frame.len8_dlc = 8;  // not a raw DLC above 8: nothing to say
  EXPECT_EQ(format(frame), "(0.000000) can0 123#0102030405060708");
}

TEST(CandumpLineFormat, WritesCanFdFlagsDigit) {
  CanFrame frame = classic(0x123, {0xAA});
  frame.flags = CanFrame::kFd;
  EXPECT_EQ(format(frame), "(0.000000) can0 123##0AA");
  frame.flags = CanFrame::kFd | CanFrame::kBrs;
  EXPECT_EQ(format(frame), "(0.000000) can0 123##1AA");
  frame.flags = CanFrame::kFd | CanFrame::kBrs | CanFrame::kEsi;
  frame.len = 0;
  EXPECT_EQ(format(frame), "(0.000000) can0 123##3");
}

TEST(CandumpLineFormat, WritesLongestLineWithinBound) {
  CanFrame frame;
  frame.id = 0x1FFFFFFF | CanFrame::kEffFlag;
  frame.flags = CanFrame::kFd | CanFrame::kBrs;
  frame.len = 64;
  frame.t_ns = UINT64_MAX;
  const std::string line = format(frame, "abcdefghijklmno");
  EXPECT_EQ(line.size(), kMaxCandumpLineLength);
}

TEST(CandumpLineFormat, WritesErrorFramesWithErrorFlagInId) {
  CanFrame frame = classic(0x4, {0, 4, 0, 0, 0, 0, 0, 0});
  frame.flags = CanFrame::kErr;
  EXPECT_EQ(format(frame), "(0.000000) can0 20000004#0004000000000000");
}

TEST(CandumpLineFormat, AppendsLineAndNewline) {
  std::string out = "x";
  append_candump_line(classic(0x1, {0x2}, 3000), "vcan0", out);
  EXPECT_EQ(out, "x(0.000003) vcan0 001#02\n");
}

TEST(CandumpLineFormatDeathTest, AbortsOnFramesNoLineCanExpress) {
  CanFrame frame = classic(0x800, {});
  EXPECT_DEATH(format(frame), "standard id above 7FF");
  frame = classic(0x1, {});
  frame.len = 9;
  EXPECT_DEATH(format(frame), "length not valid");
  frame.flags = CanFrame::kFd;
  EXPECT_DEATH(format(frame), "length not valid");
  frame = classic(0x40000000 | CanFrame::kEffFlag, {});
  EXPECT_DEATH(format(frame), "extended id above 1FFFFFFF");
  frame = classic(0x1 | CanFrame::kEffFlag, {});
  frame.flags = CanFrame::kErr;
  EXPECT_DEATH(format(frame), "error class above 1FFFFFFF");
  EXPECT_DEATH(format(classic(0x1, {}), "can 0"), "invalid interface name");
  EXPECT_DEATH(format(classic(0x1, {}), ""), "invalid interface name");
}

// A random frame of any kind a line can express, with a bus index valid in a 4-name table.
CanFrame random_frame(std::mt19937_64& rng) {
  auto pick = [&rng](uint64_t n) { return rng() % n; };
  CanFrame frame;
  frame.t_ns = pick(2) == 0 ? pick(100'000'000) * 1000 : rng();
  frame.bus = static_cast<uint16_t>(pick(4));
  const bool extended = pick(2) == 0;
  frame.id = extended ? static_cast<uint32_t>(pick(0x20000000)) | CanFrame::kEffFlag
                      : static_cast<uint32_t>(pick(0x800));
  static constexpr uint8_t kFdLens[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64};
  switch (pick(4)) {
    case 0:  // classic data frame, maybe with a raw DLC
      frame.len = static_cast<uint8_t>(pick(9));
      frame.len8_dlc = frame.len == 8 && pick(2) == 0 ? static_cast<uint8_t>(9 + pick(7)) : 0;
      break;
    case 1:  // remote request
      frame.flags = CanFrame::kRtr;
      frame.len = static_cast<uint8_t>(pick(9));
      frame.len8_dlc = frame.len == 8 && pick(2) == 0 ? static_cast<uint8_t>(9 + pick(7)) : 0;
      return frame;
    case 2:  // CAN FD
      frame.flags = static_cast<uint8_t>(CanFrame::kFd | (pick(2) ? CanFrame::kBrs : 0) |
                                         (pick(2) ? CanFrame::kEsi : 0));
      frame.len = kFdLens[pick(std::size(kFdLens))];
      break;
    default:  // error frame
      frame.flags = CanFrame::kErr;
      frame.id = static_cast<uint32_t>(pick(0x20000000));
      frame.len = 8;
      break;
  }
  for (uint8_t i = 0; i < frame.len; ++i) {
    frame.data[i] = static_cast<uint8_t>(rng());
  }
  return frame;
}

TEST(CandumpLineFormat, RoundTripsRandomFrames) {
  const uint64_t seed = std::random_device{}();
  std::printf("RoundTripsRandomFrames seed: %llu\n", static_cast<unsigned long long>(seed));
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937_64 rng(seed);
  BusTable buses({"can0", "can1", "vcan2", "x"});
  for (int i = 0; i < 100'000; ++i) {
    const CanFrame frame = random_frame(rng);
    const std::string line = format(frame, buses.name(frame.bus));
    Result<CanFrame> parsed = parse_candump_line(line, buses);
    ASSERT_TRUE(parsed.has_value()) << line << ": " << parsed.error().message();
    ASSERT_PRED2(same_frame, *parsed, frame) << line;
    ASSERT_EQ(format(*parsed, buses.name(parsed->bus)), line);
  }
  EXPECT_EQ(buses.size(), 4u);
}

}  // namespace
}  // namespace autograph::can
