// Parsing single candump lines: every syntax form, every error with its column and reason.
#include "autograph/can/candump_line.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "can/can_frame_testing.hpp"

namespace autograph::can {
namespace {

CanFrame parse_ok(std::string_view line, BusTable& buses) {
  Result<CanFrame> frame = parse_candump_line(line, buses);
  EXPECT_TRUE(frame.has_value()) << line << ": " << frame.error().message();
  return frame.value_or(CanFrame{});
}

CanFrame parse_ok(std::string_view line) {
  BusTable buses;
  return parse_ok(line, buses);
}

TEST(CandumpLine, ParsesClassicFrameWithExactTimestamp) {
  const CanFrame frame = parse_ok("(1953.613500) can0 109#000100FFFFFF0F3D");
  EXPECT_EQ(frame.t_ns, 1953613500000u);
  EXPECT_EQ(frame.id, 0x109u);
  EXPECT_EQ(frame.len, 8);
  EXPECT_EQ(frame.flags, 0);
  EXPECT_EQ(frame.bus, 0);
  EXPECT_EQ(frame.len8_dlc, 0);
  const uint8_t expected[] = {0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0x0F, 0x3D};
  EXPECT_EQ(std::memcmp(frame.data, expected, 8), 0);
}

TEST(CandumpLine, ParsesNineDigitFraction) {
  EXPECT_EQ(parse_ok("(1.000000001) can0 123#").t_ns, 1000000001u);
  EXPECT_EQ(parse_ok("(0.999999999) can0 123#").t_ns, 999999999u);
  EXPECT_EQ(parse_ok("(0000046408.584930) can0 123#").t_ns, 46408584930000u);
}

TEST(CandumpLine, ParsesLargestTimestamp) {
  EXPECT_EQ(parse_ok("(18446744073.709551615) can0 123#").t_ns, UINT64_MAX);
}

TEST(CandumpLine, ParsesEmptyClassicFrame) {
  const CanFrame frame = parse_ok("(1.000000) can0 7FF#");
  EXPECT_EQ(frame.id, 0x7FFu);
  EXPECT_EQ(frame.len, 0);
}

TEST(CandumpLine, ParsesExtendedIdsUpToTwentyNineBits) {
  CanFrame frame = parse_ok("(1.000000) can0 1FFFFFFF#11");
  EXPECT_EQ(frame.id, 0x1FFFFFFFu | CanFrame::kEffFlag);
  EXPECT_TRUE(frame.extended());
  EXPECT_EQ(frame.raw_id(), 0x1FFFFFFFu);
  frame = parse_ok("(1.000000) can0 00000123#");
  EXPECT_EQ(frame.id, 0x123u | CanFrame::kEffFlag);
}

TEST(CandumpLine, AcceptsLowerCaseHex) {
  const CanFrame frame = parse_ok("(1.000000) can0 1ab#deadbeef");
  EXPECT_EQ(frame.id, 0x1ABu);
  ASSERT_EQ(frame.len, 4);
  EXPECT_EQ(frame.data[0], 0xDE);
  EXPECT_EQ(frame.data[3], 0xEF);
}

TEST(CandumpLine, AcceptsDotSeparatorsBetweenBytes) {
  const CanFrame frame = parse_ok("(1.000000) can0 123#11.22.3344");
  ASSERT_EQ(frame.len, 4);
  EXPECT_EQ(frame.data[1], 0x22);
  EXPECT_EQ(frame.data[3], 0x44);
}

TEST(CandumpLine, ParsesRemoteRequests) {
  CanFrame frame = parse_ok("(1.000000) can0 123#R");
  EXPECT_EQ(frame.flags, CanFrame::kRtr);
  EXPECT_EQ(frame.len, 0);
  frame = parse_ok("(1.000000) can0 123#R7");
  EXPECT_EQ(frame.flags, CanFrame::kRtr);
  EXPECT_EQ(frame.len, 7);
  frame = parse_ok("(1.000000) can0 12345678#r8_F");
  EXPECT_EQ(frame.flags, CanFrame::kRtr);
  EXPECT_EQ(frame.len, 8);
  EXPECT_EQ(frame.len8_dlc, 15);
  EXPECT_TRUE(frame.extended());
}

TEST(CandumpLine, ParsesRawDlcSuffixAfterEightBytes) {
  CanFrame frame = parse_ok("(1.000000) can0 123#1122334455667788_9");
  EXPECT_EQ(frame.len, 8);
  EXPECT_EQ(frame.len8_dlc, 9);
  frame = parse_ok("(1.000000) can0 123#1122334455667788_f");
  EXPECT_EQ(frame.len8_dlc, 15);
}

TEST(CandumpLine, ParsesCanFdFlagsAndLengths) {
  CanFrame frame = parse_ok("(1.000000) can0 123##1");
  EXPECT_EQ(frame.flags, CanFrame::kFd | CanFrame::kBrs);
  EXPECT_EQ(frame.len, 0);
  frame = parse_ok("(1.000000) can0 123##2112233445566778899AABBCC");
  EXPECT_EQ(frame.flags, CanFrame::kFd | CanFrame::kEsi);
  EXPECT_EQ(frame.len, 12);
  EXPECT_EQ(frame.data[11], 0xCC);
  // FDF (bit 2) only says "this is FD", which "##" already says.
  frame = parse_ok("(1.000000) can0 1FFFFFFF##7");
  EXPECT_EQ(frame.flags, CanFrame::kFd | CanFrame::kBrs | CanFrame::kEsi);
  EXPECT_TRUE(frame.extended());
}

TEST(CandumpLine, ParsesSixtyFourByteCanFdFrame) {
  std::string line = "(1.000000) can0 123##0";
  for (int i = 0; i < 64; ++i) {
    line += fmt::format("{:02X}", i);
  }
  const CanFrame frame = parse_ok(line);
  ASSERT_EQ(frame.len, 64);
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(frame.data[i], i);
  }
}

TEST(CandumpLine, ParsesErrorFrames) {
  const CanFrame frame = parse_ok("(1.000000) can0 20000004#0004000000000000");
  EXPECT_EQ(frame.flags, CanFrame::kErr);
  EXPECT_EQ(frame.id, 0x4u);
  EXPECT_FALSE(frame.extended());
  EXPECT_EQ(frame.len, 8);
  EXPECT_EQ(frame.data[1], 0x04);
}

TEST(CandumpLine, ToleratesExtraBlanksCarriageReturnAndDirection) {
  EXPECT_EQ(parse_ok("  (1.000000)\tcan0   123#11 \r").len, 1);
  EXPECT_EQ(parse_ok("(1.000000) can0 123#11 R").len, 1);
  EXPECT_EQ(parse_ok("(1.000000) can0 123#11 T\r").len, 1);
}

TEST(CandumpLine, ScansBlankAndCommentLinesAsEmpty) {
  BusTable buses;
  CanFrame frame;
  for (std::string_view line : {"", "   ", "\t\r", "# comment", "  #(1.000000) can0 123#"}) {
    EXPECT_EQ(scan_candump_line(line, buses, frame).kind, CandumpLineKind::kEmpty) << line;
    Result<CanFrame> parsed = parse_candump_line(line, buses);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().message(), "no frame on this line (blank or comment)");
  }
  EXPECT_EQ(buses.size(), 0u);
}

TEST(CandumpLine, AssignsBusesInOrderOfFirstAppearance) {
  BusTable buses;
  EXPECT_EQ(parse_ok("(1.000000) can1 123#", buses).bus, 0);
  EXPECT_EQ(parse_ok("(1.000000) can0 123#", buses).bus, 1);
  EXPECT_EQ(parse_ok("(1.000000) can1 123#", buses).bus, 0);
  EXPECT_EQ(buses.names(), (std::vector<std::string>{"can1", "can0"}));
}

TEST(CandumpLine, UsesPresetBusTable) {
  BusTable buses({"can0", "can1"});
  EXPECT_EQ(parse_ok("(1.000000) can1 123#", buses).bus, 1);
  EXPECT_EQ(parse_ok("(1.000000) vcan9 123#", buses).bus, 2);
}

TEST(CandumpLine, BadLineDoesNotAddItsInterface) {
  BusTable buses;
  EXPECT_FALSE(parse_candump_line("(1.000000) can7 123#1", buses).has_value());
  EXPECT_EQ(buses.size(), 0u);
}

TEST(CandumpLine, RejectsMoreThanMaxInterfaces) {
  BusTable buses;
  for (size_t i = 0; i < BusTable::kMaxBuses; ++i) {
    ASSERT_TRUE(parse_candump_line(fmt::format("(1.000000) if{} 123#", i), buses).has_value());
  }
  Result<CanFrame> frame = parse_candump_line("(1.000000) one-too-many 123#", buses);
  ASSERT_FALSE(frame.has_value());
  EXPECT_EQ(frame.error().message(), "column 12: more than 256 interfaces in one log");
  EXPECT_EQ(frame.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(buses.size(), BusTable::kMaxBuses);
  EXPECT_TRUE(parse_candump_line("(1.000000) if0 123#", buses).has_value());
}

struct BadLine {
  const char* line;
  const char* message;
};

// Columns are 1-based bytes; the prefix "(1.000000) can0 " is 16 bytes, so a frame starts at 17.
const BadLine kBadLines[] = {
    {"1.000000) can0 123#", "column 1: expected '(' starting the timestamp"},
    {"(.000000) can0 123#", "column 2: expected the seconds of the timestamp"},
    {"(x) can0 123#", "column 2: expected the seconds of the timestamp"},
    {"(1) can0 123#", "column 3: expected '.' in the timestamp"},
    {"(1,000000) can0 123#", "column 3: expected '.' in the timestamp"},
    {"(1.) can0 123#", "column 4: timestamp fraction must have 6 or 9 digits"},
    {"(1.61350) can0 123#", "column 4: timestamp fraction must have 6 or 9 digits"},
    {"(1.6135000) can0 123#", "column 4: timestamp fraction must have 6 or 9 digits"},
    {"(1.1234567890) can0 123#", "column 4: timestamp fraction must have 6 or 9 digits"},
    {"(18446744074.000000) can0 123#", "column 2: timestamp too large for 64-bit nanoseconds"},
    {"(18446744073.709551616) can0 123#", "column 2: timestamp too large for 64-bit nanoseconds"},
    {"(99999999999999999999999.000000) can0 123#",
     "column 2: timestamp too large for 64-bit nanoseconds"},
    {"(1.000000 can0 123#", "column 10: expected ')' closing the timestamp"},
    {"(1.000000)can0 123#", "column 11: expected a space after the timestamp"},
    {"(1.000000) ", "column 12: expected an interface name after the timestamp"},
    {"(1.000000)", "column 11: expected an interface name after the timestamp"},
    {"(1.000000) 123#11", "column 12: expected an interface name before the frame"},
    {"(1.000000) can0", "column 16: expected a frame after the interface name"},
    {"(1.000000) can0  \r", "column 19: expected a frame after the interface name"},
    {"(1.000000) abcdefghijklmnop 123#", "column 12: interface name longer than 15 bytes"},
    {"(1.000000) ca(0 123#",
     "column 12: interface name holds a control character, '#', '(' or ')'"},
    {"(1.000000) can0 12#11", "column 17: identifier must be 3 or 8 hex digits followed by '#'"},
    {"(1.000000) can0 1234#11", "column 17: identifier must be 3 or 8 hex digits followed by '#'"},
    {"(1.000000) can0 123", "column 17: identifier must be 3 or 8 hex digits followed by '#'"},
    {"(1.000000) can0 12G#11", "column 19: invalid hex digit in the identifier"},
    {"(1.000000) can0 1234567X#11", "column 24: invalid hex digit in the identifier"},
    {"(1.000000) can0 800#", "column 17: standard identifier above 7FF"},
    {"(1.000000) can0 FFF#11", "column 17: standard identifier above 7FF"},
    {"(1.000000) can0 40000000#",
     "column 17: extended identifier above 1FFFFFFF (bit 30 or 31 set)"},
    {"(1.000000) can0 80000123#11",
     "column 17: extended identifier above 1FFFFFFF (bit 30 or 31 set)"},
    {"(1.000000) can0 123#112", "column 24: data has odd number of hex digits"},
    {"(1.000000) can0 123#1", "column 22: data has odd number of hex digits"},
    {"(1.000000) can0 123#1 R", "column 22: data has odd number of hex digits"},
    {"(1.000000) can0 123#1.22", "column 22: data has odd number of hex digits"},
    {"(1.000000) can0 123#1G", "column 22: invalid hex digit in the data"},
    {"(1.000000) can0 123#G1", "column 21: invalid hex digit in the data"},
    {"(1.000000) can0 123#11#22", "column 23: invalid hex digit in the data"},
    {"(1.000000) can0 123#.11", "column 21: invalid hex digit in the data"},
    {"(1.000000) can0 123#11.", "column 24: expected a data byte after the '.' separator"},
    {"(1.000000) can0 123#11..22", "column 24: expected a data byte after the '.' separator"},
    {"(1.000000) can0 123#112233445566778899",
     "column 37: classic frame has more than 8 data bytes"},
    {"(1.000000) can0 123##", "column 22: expected a CAN FD flags digit 0..7 after '##'"},
    {"(1.000000) can0 123##8", "column 22: expected a CAN FD flags digit 0..7 after '##'"},
    {"(1.000000) can0 123##R", "column 22: expected a CAN FD flags digit 0..7 after '##'"},
    {"(1.000000) can0 123##0112233445566778899",
     "column 41: CAN FD length must be 0..8, 12, 16, 20, 24, 32, 48 or 64 bytes"},
    {"(1.000000) can0 123##01122334455667788_9",
     "column 39: DLC suffix '_' only follows 8 data bytes of a classic frame"},
    {"(1.000000) can0 123#1122_9",
     "column 25: DLC suffix '_' only follows 8 data bytes of a classic frame"},
    {"(1.000000) can0 123#1122334455667788_8", "column 38: DLC suffix must be one hex digit 9..F"},
    {"(1.000000) can0 123#1122334455667788_", "column 38: DLC suffix must be one hex digit 9..F"},
    {"(1.000000) can0 123#1122334455667788_9A", "column 39: unexpected characters after the frame"},
    {"(1.000000) can0 123#R9", "column 22: remote request length must be one digit 0..8"},
    {"(1.000000) can0 123#RR", "column 22: remote request length must be one digit 0..8"},
    {"(1.000000) can0 123#R7_9", "column 23: DLC suffix '_' only follows a length of 8"},
    {"(1.000000) can0 123#R8_8", "column 24: DLC suffix must be one hex digit 9..F"},
    {"(1.000000) can0 123#R11", "column 23: unexpected characters after the frame"},
    {"(1.000000) can0 123#11 X", "column 24: unexpected text after the frame"},
    {"(1.000000) can0 123#11 R extra", "column 26: unexpected text after the frame"},
    {"(1.000000) can0 123#11 RT", "column 24: unexpected text after the frame"},
};

TEST(CandumpLine, RejectsEachMalformedLineNamingColumnAndReason) {
  for (const BadLine& bad : kBadLines) {
    BusTable buses;
    CanFrame frame;
    const CandumpLineScan scan = scan_candump_line(bad.line, buses, frame);
    EXPECT_EQ(scan.kind, CandumpLineKind::kError) << bad.line;
    Result<CanFrame> parsed = parse_candump_line(bad.line, buses);
    ASSERT_FALSE(parsed.has_value()) << bad.line;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kMalformed);
    EXPECT_EQ(parsed.error().message(), bad.message) << bad.line;
    EXPECT_EQ(buses.size(), 0u) << bad.line;
  }
}

TEST(CandumpLine, RejectsCanFdFrameOfSixtyFiveBytes) {
  std::string line = "(1.000000) can0 123##0";
  for (int i = 0; i < 65; ++i) {
    line += "AB";
  }
  BusTable buses;
  Result<CanFrame> parsed = parse_candump_line(line, buses);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message(), "column 151: CAN FD frame has more than 64 data bytes");
}

TEST(CandumpLine, RejectsNulBytes) {
  BusTable buses;
  const std::string line("(1.000000) can0 123#1\0", 22);
  Result<CanFrame> parsed = parse_candump_line(line, buses);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message(), "column 22: invalid hex digit in the data");
}

}  // namespace
}  // namespace autograph::can
