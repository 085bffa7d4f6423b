// Decoder on multiplexed messages: only the active branch, nested chains, truncated
// multiplexors, multiplexors decoded for selected signals without being selected themselves.
#include <gtest/gtest.h>

#include <vector>

#include "autograph/can/decoder.hpp"
#include "can/decoder_testing.hpp"

namespace autograph::can {
namespace {

TEST(DecoderMultiplexing, DecodesOnlyTheActiveMultiplexedBranch) {
  Decoder decoder = one_message(multiplexed_message());
  auto values = decode_by_name(decoder, make_frame(0x500, {1, 0x22, 0x33, 0, 0, 0, 0, 9}));
  EXPECT_EQ(values.size(), 3u);
  EXPECT_EQ(values["A"].value.u64, 0x22u);
  EXPECT_EQ(values["Always"].value.u64, 9u);
  values = decode_by_name(decoder, make_frame(0x500, {3, 0x22, 0x33, 0, 0, 0, 0, 9}));
  EXPECT_EQ(values.size(), 3u);
  EXPECT_EQ(values["B"].value.u64, 0x3322u);
  values = decode_by_name(decoder, make_frame(0x500, {7, 0x22, 0x33, 0, 0, 0, 0, 9}));
  EXPECT_EQ(values.count("B"), 1u);
  values = decode_by_name(decoder, make_frame(0x500, {9, 0x22, 0x33, 0, 0, 0, 0, 9}));
  EXPECT_EQ(values.size(), 2u);  // no branch for 9: Mux and Always
}

TEST(DecoderMultiplexing, FollowsNestedMultiplexorChains) {
  Decoder decoder = one_message(multiplexed_message());
  auto values = decode_by_name(decoder, make_frame(0x500, {4, 5, 0x77, 0, 0, 0, 0, 9}));
  EXPECT_EQ(values.size(), 4u);
  EXPECT_EQ(values["Sub"].value.u64, 5u);
  EXPECT_EQ(values["C"].value.u64, 0x77u);
  values = decode_by_name(decoder, make_frame(0x500, {4, 6, 0x77, 0, 0, 0, 0, 9}));
  EXPECT_EQ(values.count("C"), 0u);
  // Byte 1 reads 5, but Sub is not active when Mux = 1: C must stay out.
  values = decode_by_name(decoder, make_frame(0x500, {1, 5, 0x77, 0, 0, 0, 0, 9}));
  EXPECT_EQ(values.count("C"), 0u);
  EXPECT_EQ(values.count("Sub"), 0u);
}

TEST(DecoderMultiplexing, LeavesOutBranchesOfTruncatedMultiplexors) {
  Message message = multiplexed_message();
  message.signals[0].start_bit = 48;  // Mux now in byte 6
  Decoder decoder = one_message(message);
  auto values = decode_by_name(decoder, make_frame(0x500, {0, 0x22, 0x33}));
  EXPECT_TRUE(values.empty());
}

TEST(DecoderMultiplexing, RunsHiddenMultiplexorsOfSelectedSignals) {
  Database db;
  db.messages.push_back(multiplexed_message());
  SignalSelection selection;
  selection.names = {"C"};
  Decoder decoder = compile_or_die({db}, selection);
  EXPECT_EQ(decoder.signals().size(), 1u);
  EXPECT_EQ(decoder.max_samples_per_frame(), 1u);
  auto values = decode_by_name(decoder, make_frame(0x500, {4, 5, 0x77, 0, 0, 0, 0, 9}));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values["C"].value.u64, 0x77u);
  EXPECT_TRUE(decode_by_name(decoder, make_frame(0x500, {4, 6, 0x77, 0, 0, 0, 0, 9})).empty());
}

}  // namespace
}  // namespace autograph::can
