// IsoTpReassembler: ISO-TP reception from exact frames, including sequence numbers wrapping past
// 15, a wrong sequence number, a consecutive frame that comes too late, and the published VIN.
#include "autograph/can/isotp_reassembler.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace autograph::can {
namespace {

CanFrame frame(std::initializer_list<uint8_t> bytes, uint64_t t_ms = 0) {
  CanFrame f;
  f.id = 0x7E8;
  f.t_ns = t_ms * 1'000'000;
  for (const uint8_t b : bytes) {
    f.data[f.len++] = b;
  }
  return f;
}

// The frames of a `length`-byte message whose byte i is i & 0xFF, 10 ms apart.
std::vector<CanFrame> segment(size_t length) {
  std::vector<CanFrame> frames;
  CanFrame first = frame({static_cast<uint8_t>(0x10 | length >> 8), static_cast<uint8_t>(length)});
  size_t at = 0;
  while (first.len < 8) {
    first.data[first.len++] = static_cast<uint8_t>(at++);
  }
  frames.push_back(first);
  uint8_t sn = 1;
  while (at < length) {
    CanFrame cf = frame({static_cast<uint8_t>(0x20 | sn)}, 10 * frames.size());
    while (cf.len < 8) {
      cf.data[cf.len++] = at < length ? static_cast<uint8_t>(at++) : 0xAA;
    }
    frames.push_back(cf);
    sn = static_cast<uint8_t>((sn + 1) & 0x0F);
  }
  return frames;
}

TEST(IsoTpReassembler, ReadsASingleFrameAndIgnoresPadding) {
  IsoTpReassembler rx;
  ASSERT_TRUE(rx.feed(frame({0x03, 0x41, 0x0D, 0x12, 0xAA, 0xAA, 0xAA, 0xAA})).value());
  EXPECT_EQ(std::vector<uint8_t>(rx.message().begin(), rx.message().end()),
            (std::vector<uint8_t>{0x41, 0x0D, 0x12}));
}

TEST(IsoTpReassembler, ReassemblesThePublishedVinAnswer) {
  IsoTpReassembler rx;
  EXPECT_FALSE(rx.feed(frame({0x10, 0x14, 0x49, 0x02, 0x01, 0x31, 0x44, 0x34})).value());
  EXPECT_FALSE(rx.feed(frame({0x21, 0x47, 0x50, 0x30, 0x30, 0x52, 0x35, 0x35})).value());
  ASSERT_TRUE(rx.feed(frame({0x22, 0x42, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36})).value());
  const auto m = rx.message();
  EXPECT_EQ(std::string(m.begin() + 3, m.end()), "1D4GP00R55B123456");
}

TEST(IsoTpReassembler, WrapsSequenceNumbersPastFifteen) {
  for (const size_t length : {size_t{125}, size_t{300}, IsoTpReassembler::kMaxMessageSize}) {
    IsoTpReassembler rx;
    const std::vector<CanFrame> frames = segment(length);
    ASSERT_GE(frames.size(), 18u);  // SN 1..15, 0, 1
    for (size_t i = 0; i + 1 < frames.size(); ++i) {
      ASSERT_FALSE(rx.feed(frames[i]).value()) << i;
    }
    ASSERT_TRUE(rx.feed(frames.back()).value());
    ASSERT_EQ(rx.message().size(), length);
    for (size_t i = 0; i < length; ++i) {
      ASSERT_EQ(rx.message()[i], static_cast<uint8_t>(i)) << i;
    }
  }
}

TEST(IsoTpReassembler, RejectsAWrongSequenceNumberAndDropsTheMessage) {
  IsoTpReassembler rx;
  std::vector<CanFrame> frames = segment(40);
  frames[2].data[0] = 0x24;
  EXPECT_FALSE(rx.feed(frames[0]).value());
  EXPECT_FALSE(rx.feed(frames[1]).value());
  const Result<bool> wrong = rx.feed(frames[2]);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(wrong.error().message(), "ISO-TP expected sequence number 2, got 4");
  EXPECT_FALSE(rx.in_progress());
  EXPECT_EQ(rx.feed(frames[3]).error().message(), "ISO-TP consecutive frame without a first frame");
}

TEST(IsoTpReassembler, TimesOutALateConsecutiveFrame) {
  IsoTpReassembler rx(150'000'000);
  std::vector<CanFrame> frames = segment(20);
  frames[2].t_ns = frames[1].t_ns + 151'000'000;
  EXPECT_FALSE(rx.feed(frames[0]).value());
  EXPECT_FALSE(rx.feed(frames[1]).value());
  const Result<bool> late = rx.feed(frames[2]);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(late.error().message(),
            "ISO-TP consecutive frame 151 ms after the previous one (timeout 150 ms)");
}

TEST(IsoTpReassembler, IgnoresFlowControlAndCountsAbandonedMessages) {
  IsoTpReassembler rx;
  const std::vector<CanFrame> frames = segment(20);
  EXPECT_FALSE(rx.feed(frames[0]).value());
  EXPECT_FALSE(rx.feed(frame({0x30, 0x00, 0x00})).value());
  EXPECT_TRUE(rx.in_progress());
  EXPECT_TRUE(rx.feed(frame({0x02, 0x43, 0x00})).value());
  EXPECT_EQ(rx.abandoned(), 1u);
  EXPECT_EQ(rx.message().size(), 2u);
}

TEST(IsoTpReassembler, RejectsBadPciAndLengths) {
  const std::vector<std::pair<CanFrame, std::string>> cases = {
      {frame({}), "ISO-TP frame without a PCI byte"},
      {frame({0x40, 0x01}), "ISO-TP frame with PCI type 0x4"},
      {frame({0x00, 0x01}), "ISO-TP single frame of length 0 in a 2-byte frame"},
      {frame({0x05, 0x41, 0x0D}), "ISO-TP single frame of length 5 in a 3-byte frame"},
      {frame({0x10, 0x14, 0x49}), "ISO-TP first frame of 3 bytes; it takes at least 8"},
      {frame({0x10, 0x00, 1, 2, 3, 4, 5, 6}),
       "ISO-TP first frame with a 32-bit length (unsupported)"},
      {frame({0x10, 0x06, 1, 2, 3, 4, 5, 6}),
       "ISO-TP first frame announcing 6 bytes, which fit a single frame"},
  };
  for (const auto& [f, message] : cases) {
    IsoTpReassembler rx;
    const Result<bool> r = rx.feed(f);
    ASSERT_FALSE(r.has_value()) << message;
    EXPECT_EQ(r.error().code(), ErrorCode::kMalformed);
    EXPECT_EQ(r.error().message(), message);
  }
}

TEST(IsoTpReassembler, ReadsCanFdSingleFrameEscapes) {
  CanFrame fd = frame({0x00, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  fd.flags = CanFrame::kFd;
  IsoTpReassembler rx;
  ASSERT_TRUE(rx.feed(fd).value());
  EXPECT_EQ(rx.message().size(), 10u);
  EXPECT_EQ(rx.message()[9], 10);
}

}  // namespace
}  // namespace autograph::can
