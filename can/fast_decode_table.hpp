// FastDecodeTable: the part of a DecoderPlan that ordinary frames touch, repacked for speed.
//
// Private to the decoder. It covers messages without multiplexing whose signals all lie in the
// first 8 bytes and decode to integers or binary64 (nearly every message of a passenger car's
// DBC). Per frame: one table load for the identifier, one for the message, then per signal a
// shift, a mask, a sign fix and three 8-byte stores, with no branch that depends on the signal.
// Unsigned signals without scaling (most of them) skip the arithmetic: each message runs a loop
// over its "plain" ops, then one over its other ops.
//
// Measured (callgrind and the decode bench): the time goes to instructions (about 150 per Kona
// frame) and to mispredicted loop exits, whose trip counts change from frame to frame in
// capture order. A single loop over one op format that does both scalings, padded to blocks
// of 4 so that most messages run one block, halved the mispredicts but cost 270 instructions
// per frame and was slower (Kona can0 16 -> 24 ns), so the two cheap loops stay.
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

  // Decodes `frame` into `out` and returns the number of samples when the fast path covers
  // it: a bus of the plan, neither kRtr nor kErr, a standard identifier that is either unknown
  // (returns 0 and adds 1 to unknown_ids[frame.bus], without a branch: unknown identifiers are
  // common and come in no predictable order) or a fast message with all its signals in the
  // frame. Returns kNotFast otherwise, having written nothing to `out`. `out` holds the plan's
  // max_samples_per_frame; `sink` is one scratch Sample that frames of unknown identifiers
  // write to (its content means nothing).
  size_t decode(const CanFrame& frame, Sample* out, Sample* sink,
                uint64_t* unknown_ids) const noexcept {
    const bool rare = frame.bus >= bus_count_ || frame.id >= BusPlan::kStandardIds ||
                      (frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0;
    if (rare) [[unlikely]] {
      return kNotFast;
    }
    const uint32_t index = standard_[(size_t{frame.bus} << 11) | frame.id];
    const bool unknown = index == kUnknown;
    unknown_ids[frame.bus] += unknown ? 1 : 0;
    return decode_message(index, frame, unknown ? sink : out);
  }

  // The same for the message of plan_.messages[plan_index] (found by the caller).
  size_t decode_plan_message(uint32_t plan_index, const CanFrame& frame,
                             Sample* out) const noexcept {
    if ((frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0) {
      return kNotFast;
    }
    return decode_message(by_plan_message_[plan_index], frame, out);
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
  static constexpr uint16_t kUnknown = 0;  // messages_[0]: no ops, yields 0 samples
  static constexpr uint16_t kSlow = 1;     // messages_[1]: known, but never on the fast path
  // Pointers rather than indices: they save the frame the index arithmetic (the ops' sizes are
  // not powers of two). They point into plain_ and scaled_, which never change after the
  // constructor.
  //
  // Both loops run at least once, so that no branch tests for an empty loop: whether a
  // message has plain or scaled ops depends on the message, which changes from frame to frame
  // unpredictably. A message without plain ops has a null op (mask 0) writing sample 0, which
  // its first scaled op then overwrites; one without scaled ops repeats its last plain op as a
  // scaled op, rewriting the same sample with the same value (scaled_slot = plain count - 1).
  // The unknown message does both, into the caller's sink.
  struct Message {
    const PlainOp* plain = nullptr;
    const PlainOp* plain_end = nullptr;
    const ScaledOp* scaled = nullptr;
    const ScaledOp* scaled_end = nullptr;
    uint16_t scaled_slot = 0;  // the sample the first scaled op writes
    uint16_t sample_count = 0;
    uint8_t fast_len = 0xFF;  // frames at least this long take the fast path; 0xFF: none do
  };

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
    size_t plain_count = 0;
    size_t first_scaled = 0;
    size_t scaled_count = 0;
  };

  static Head make_head(const DecodeOp& op, const OpLayout& layout);
  OpRange add_message(const DecoderPlan& plan, const MessagePlan& message);
  // Adds the null or repeated ops that make both of `range`'s loops non-empty; returns the
  // scaled loop's first sample index.
  uint16_t add_loop_fillers(OpRange& range);

  static void store(Sample* sample, const Head& head, uint64_t t_ns, uint64_t value) noexcept {
    std::memcpy(static_cast<void*>(sample), &head, sizeof head);
    sample->t_ns = t_ns;
    std::memcpy(&sample->value, &value, sizeof value);
  }

  size_t decode_message(uint32_t index, const CanFrame& frame, Sample* out) const noexcept {
    const Message& message = messages_[index];
    if (frame.len < message.fast_len) {
      return kNotFast;
    }
    uint64_t words[2];
    std::memcpy(&words[0], frame.data, sizeof words[0]);
    words[1] = __builtin_bswap64(words[0]);
    const uint64_t t_ns = frame.t_ns;
    // Locals: the stores to `out` could alias `message` as far as the compiler knows.
    const size_t sample_count = message.sample_count;
    const PlainOp* plain = message.plain;
    const PlainOp* const plain_end = message.plain_end;
    const ScaledOp* scaled = message.scaled;
    const ScaledOp* const scaled_end = message.scaled_end;
    Sample* sample = out;
    do {
      store(sample, plain->head, t_ns,
            (words[plain->head.word] >> plain->head.shift) & plain->mask);
      ++sample;
    } while (++plain != plain_end);
    sample = out + message.scaled_slot;
    do {
      const uint64_t bits = (words[scaled->head.word] >> scaled->head.shift) & scaled->mask;
      const uint64_t raw = (bits ^ scaled->sign) - scaled->sign;
      const uint64_t integer = raw * scaled->int_factor + scaled->int_offset;
      const double real = static_cast<double>(static_cast<int64_t>(raw)) * scaled->real_factor +
                          scaled->real_offset;
      uint64_t real_bits;
      std::memcpy(&real_bits, &real, sizeof real_bits);
      store(sample, scaled->head, t_ns, integer | real_bits);
      ++sample;
    } while (++scaled != scaled_end);
    return sample_count;
  }

  size_t bus_count_ = 0;
  std::vector<uint16_t> standard_;         // [bus << 11 | id] -> index in messages_
  std::vector<uint32_t> by_plan_message_;  // plan message index -> index in messages_
  std::vector<Message> messages_;          // from index 2: the fast messages
  std::vector<PlainOp> plain_;
  std::vector<ScaledOp> scaled_;
};

}  // namespace autograph::can
