// FastDecodeTable: the part of a DecoderPlan that ordinary frames touch, repacked for speed.
//
// Private to the decoder. It covers messages without multiplexing whose signals all lie in the
// first 8 bytes and decode to integers or binary64 (nearly every message of a passenger car's
// DBC). Per frame: one table load for the identifier, one for the message, then one indirect
// call into a kernel compiled for the message's shape (how many "plain" and how many "scaled"
// signals it has), which runs its ops as straight-line code: per signal a shift, a mask and
// three 8-byte stores, plus a sign fix and the integer and binary64 scalings for scaled ops.
//
// Why kernels per shape: in capture order the next message is hard to predict (RAV4 can0:
// given the previous identifier, the next one is a different message 74% of the time), and
// every branch whose outcome depends on the message mispredicts with it. The previous design
// ran two loops per frame (plain ops, then scaled ops) whose trip counts change from frame to
// frame, so a frame paid up to two mispredicted loop exits. A kernel per shape has no
// data-dependent branch inside: a frame pays at most the one indirect call, whose target
// depends only on the shape (many messages share one), and no loop bookkeeping. Messages with
// more ops than the largest kernel run a loop kernel. The kernel pointer sits in its own table
// indexed like the identifier table, so the call target is one load after the frame's
// identifier: a mispredicted call resolves that much sooner.
//
// Measured (callgrind, instructions per frame, capture order): Kona can0 172 -> 156, RAV4 can0
// 149 -> 121. Decode bench, same minute, both versions, load average 16: Kona can0 15.5 -> 13.4
// ns, RAV4 can0 28.9 -> 24.9 ns per decoded frame; the separate kernel table alone took RAV4
// can0 from 27.2 to 24.9. Kernels up to 16 plain ops measured no better than up to 8.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "autograph/can/can_frame.hpp"
#include "autograph/can/decoder_plan.hpp"
#include "autograph/can/sample.hpp"

namespace autograph::can {

class FastDecodeTable {
 public:
  static constexpr size_t kNotFast = static_cast<size_t>(-1);

  explicit FastDecodeTable(const DecoderPlan& plan);
  // Messages point into the op arrays: a copy would point into the original's.
  FastDecodeTable(const FastDecodeTable&) = delete;
  FastDecodeTable& operator=(const FastDecodeTable&) = delete;

  // What decode() hands the frames it does not cover to: called with `context`, the frame and
  // `out`, it returns what decode() returns.
  using SlowPath = size_t (*)(void* context, const CanFrame& frame, Sample* out) noexcept;

  // Decodes `frame` into `out` and returns the number of samples when the fast path covers
  // it: a bus of the plan, neither kRtr nor kErr, a standard identifier that is either unknown
  // (returns 0 and adds 1 to unknown_ids[frame.bus], without a branch: unknown identifiers are
  // common and come in no predictable order) or a fast message with all its signals in the
  // frame. Every other frame goes to `slow(context, frame, out)`, whose result it returns.
  // `out` holds the plan's max_samples_per_frame; exactly the returned number of samples are
  // written. Every call here is a tail call, so the frame costs no stack frame of its own.
  size_t decode(const CanFrame& frame, Sample* out, uint64_t* unknown_ids, SlowPath slow,
                void* context) const noexcept {
    const bool rare = frame.bus >= bus_count_ || frame.id >= BusPlan::kStandardIds ||
                      (frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0;
    if (rare) [[unlikely]] {
      return slow(context, frame, out);
    }
    const size_t slot = (size_t{frame.bus} << 11) | frame.id;
    const uint32_t index = standard_[slot];
    unknown_ids[frame.bus] += index == kUnknown ? 1 : 0;
    const Message& message = messages_[index];
    if (frame.len < message.fast_len) [[unlikely]] {
      return slow(context, frame, out);
    }
    return kernels_[slot](message, load_le64(frame), frame.t_ns, out);
  }

  // Decodes `frame` as the message of plan_.messages[plan_index] (found by the caller) and
  // returns the number of samples, or kNotFast, having written nothing, when the fast path
  // does not cover that message or frame.
  size_t decode_plan_message(uint32_t plan_index, const CanFrame& frame,
                             Sample* out) const noexcept {
    const Message& message = messages_[by_plan_message_[plan_index]];
    if ((frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0 || frame.len < message.fast_len) {
      return kNotFast;
    }
    return message.kernel(message, load_le64(frame), frame.t_ns, out);
  }

 private:
  // The first 8 bytes are stored as they are as a Sample's first 8 bytes (signal index, kind,
  // padding): `shift` and `word` land in Sample's padding, which means nothing.
  struct Head {
    uint32_t signal = 0;
    SampleKind kind = SampleKind::kUnsigned;
    uint8_t shift = 0;  // of the signal's LSB in its word
    uint8_t word = 0;   // 0: the little-endian word (Intel), 1: the big-endian word (Motorola)
    uint8_t unused = 0;
  };
  // An unsigned integer signal without scaling: the value is the raw bits.
  struct PlainOp {
    Head head;
    uint64_t mask = 0;  // 2^length - 1
  };
  // Every other fast signal. Integer ops have real_factor = real_offset = 0.0 and binary64 ops
  // int_factor = int_offset = 0, so the value is the OR of both results, with no branch on
  // the kind.
  struct ScaledOp {
    Head head;
    uint64_t mask = 0;
    uint64_t sign = 0;  // 2^(length - 1) for signed signals: (raw ^ sign) - sign extends it
    uint64_t int_factor = 0;
    uint64_t int_offset = 0;
    double real_factor = 0.0;
    double real_offset = 0.0;
  };
  struct Message;
  // Writes the message's samples (plain ops first, then scaled ops) and returns their count.
  // `le` is the frame's first 8 bytes read little-endian.
  using Kernel = size_t (*)(const Message& message, uint64_t le, uint64_t t_ns,
                            Sample* out) noexcept;
  // The largest shape with its own kernel; larger messages run the loop kernel. Covers about
  // nine frames in ten of the Kona, RAV4 and Ford captures.
  static constexpr unsigned kMaxKernelPlain = 8;
  static constexpr unsigned kMaxKernelScaled = 4;

  // Pointers rather than indices: they save the frame the index arithmetic (the ops' sizes are
  // not powers of two). They point into plain_ and scaled_, which never change after the
  // constructor.
  struct Message {
    Kernel kernel = nullptr;
    const PlainOp* plain = nullptr;
    const ScaledOp* scaled = nullptr;
    uint16_t plain_count = 0;
    uint16_t scaled_count = 0;
    uint8_t fast_len = 0xFF;  // frames at least this long take the fast path; 0xFF: none do
  };
  static constexpr uint16_t kUnknown = 0;  // messages_[0]: no ops, yields 0 samples
  static constexpr uint16_t kSlow = 1;     // messages_[1]: known, but never on the fast path

  static_assert(sizeof(Head) == offsetof(Sample, t_ns) &&
                    offsetof(Head, signal) == offsetof(Sample, signal) &&
                    offsetof(Head, kind) == offsetof(Sample, kind),
                "Head is stored as the first bytes of a Sample");
  static_assert(std::endian::native == std::endian::little,
                "the 8 data bytes are read as a little-endian word with one load (x86-64, arm64 "
                "and armhf are little-endian)");

  // Where a message's ops start in plain_ and scaled_, while the arrays still grow.
  struct OpRange {
    size_t first_plain = 0;
    size_t first_scaled = 0;
  };

  static Head make_head(const DecodeOp& op, const OpLayout& layout);
  OpRange add_message(const DecoderPlan& plan, const MessagePlan& message);
  static Kernel kernel_for(unsigned plain_count, unsigned scaled_count) noexcept;
  template <unsigned kPlain, unsigned kScaled>
  static size_t run_shape(const Message& message, uint64_t le, uint64_t t_ns, Sample* out) noexcept;
  static size_t run_loops(const Message& message, uint64_t le, uint64_t t_ns, Sample* out) noexcept;

  static uint64_t load_le64(const CanFrame& frame) noexcept {
    uint64_t le;
    std::memcpy(&le, frame.data, sizeof le);
    return le;
  }

  size_t bus_count_ = 0;
  std::vector<uint16_t> standard_;         // [bus << 11 | id] -> index in messages_
  std::vector<Kernel> kernels_;            // [bus << 11 | id] -> that message's kernel
  std::vector<uint32_t> by_plan_message_;  // plan message index -> index in messages_
  std::vector<Message> messages_;          // from index 2: the fast messages
  std::vector<PlainOp> plain_;
  std::vector<ScaledOp> scaled_;
};

}  // namespace autograph::can
