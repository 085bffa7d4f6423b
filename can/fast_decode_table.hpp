// FastDecodeTable: the part of a DecoderPlan that ordinary frames touch, repacked for speed.
//
// Private to the decoder. It covers messages without multiplexing whose signals all lie in the
// first 8 bytes and decode to integers or binary64 (nearly every message of a passenger car's
// DBC). Per frame: one 16-byte table entry for the bus and identifier, then one indirect call
// into a kernel compiled for the message's shape (how many "plain" and how many "scaled"
// signals it has, and its byte order), which runs its ops as straight-line code: per signal a
// shift, a mask and 24 bytes of stores, plus a sign fix and the integer and binary64 scalings
// for scaled ops.
//
// Why kernels per shape: in capture order the next message is hard to predict (RAV4 can0:
// given the previous identifier, the next one is a different message 74% of the time), and
// every branch whose outcome depends on the message mispredicts with it. A kernel per shape
// has no data-dependent branch inside: a frame pays at most the one indirect call, whose
// target depends only on the shape (many messages share one), and no loop bookkeeping.
// Messages with more ops than the largest kernel run a loop kernel. The kernel pointer sits
// in the identifier's table entry, so the call target is one load after the frame's
// identifier: a mispredicted call resolves that much sooner.
//
// Why one entry per identifier holds everything (kernel, where the ops are, the length the
// frame needs, what to count): the frame touches one cache line of the table and then the
// message's ops, which lie together (plain ops, then scaled ops) in one array. Unknown and
// unselected identifiers are counted through the entry too, without a branch, so a decoder
// narrowed to the signals a policy needs keeps its (many) unselected frames on this path.
//
// Why the op's shift rides in its Sample head: the kernel loads the head anyway (it is stored
// as the Sample's first 8 bytes), so taking the shift from it costs a register shift instead
// of another load; the loads were what the kernels queued on.
//
// Measured (bench/decode, CPU time, median of 5, both versions in the same minutes; callgrind
// instructions per input frame; capture order; the bench's floor/ rows are the same frames'
// identifier lookups and sample stores alone):
// - per-shape kernels took Kona can0 from 172 to 156 and RAV4 can0 from 149 to 121
//   instructions per frame; kernels up to 16 plain ops measured no better than up to 8, and
//   up to 12 saved 4% of Kona's instructions but no time.
// - the entry, the ops in one array, the shift in the head and the byte order per kernel:
//   Kona can0 12.0-12.6 -> 10.5, Ford 16.2 -> 13.3-13.7, RAV4 can0 22.4 -> 21.4-22.3 ns per
//   decoded frame; a decoder narrowed to the vehicle's mapping: RAV4 can0 18.9 -> 11.5, Kona
//   can0 6.3 -> 4.4 ns.
// - what is left on RAV4 is mostly mispredicted calls: its can0 frames grouped by identifier
//   decode in 10-11 ns per decoded frame, and the floor (a table load and the stores, one loop
//   per frame) takes 15-17 ns in capture order but 6 ns grouped.
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

  // What decode() counts per bus, without a branch: index bus * kTallies + one of these.
  static constexpr size_t kTallyNothing = 0;     // a frame decoded (or sent to the slow path)
  static constexpr size_t kTallyUnknown = 1;     // identifier not in the DBC
  static constexpr size_t kTallyUnselected = 2;  // known, but none of its signals selected
  static constexpr size_t kTallies = 4;

  explicit FastDecodeTable(const DecoderPlan& plan);
  // Entries point into the op array: a copy would point into the original's.
  FastDecodeTable(const FastDecodeTable&) = delete;
  FastDecodeTable& operator=(const FastDecodeTable&) = delete;

  // What decode() hands the frames it does not cover to: called with `context`, the frame and
  // `out`, it returns what decode() returns.
  using SlowPath = size_t (*)(void* context, const CanFrame& frame, Sample* out) noexcept;

  // Decodes `frame` into `out` and returns the number of samples when the fast path covers
  // it: a bus of the plan, neither kRtr nor kErr, a standard identifier that is unknown or
  // unselected (returns 0 and adds 1 to tallies[frame.bus * kTallies + kTallyUnknown or
  // kTallyUnselected], without a branch: such identifiers are common and come in no
  // predictable order) or a fast message with all its signals in the frame. Every other frame
  // goes to `slow(context, frame, out)`, whose result it returns. `tallies` holds kTallies
  // counters per bus of the plan; `out` holds the plan's max_samples_per_frame; exactly the
  // returned number of samples are written. Every call here is a tail call, so the frame costs
  // no stack frame of its own.
  size_t decode(const CanFrame& frame, Sample* out, uint64_t* tallies, SlowPath slow,
                void* context) const noexcept {
    const bool rare = frame.bus >= bus_count_ || frame.id >= BusPlan::kStandardIds ||
                      (frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0;
    if (rare) [[unlikely]] {
      return slow(context, frame, out);
    }
    const Entry& entry = entries_[(size_t{frame.bus} << 11) | frame.id];
    tallies[frame.bus * kTallies + entry.tally] += 1;
    if (frame.len < entry.fast_len) [[unlikely]] {
      return slow(context, frame, out);
    }
    return entry.kernel(ops_.data() + entry.ops_offset, load_le64(frame), frame.t_ns, out);
  }

  // Decodes `frame` as the message of plan_.messages[plan_index] (found by the caller) and
  // returns the number of samples, or kNotFast, having written nothing, when the fast path
  // does not cover that message or frame.
  size_t decode_plan_message(uint32_t plan_index, const CanFrame& frame,
                             Sample* out) const noexcept {
    const Entry& entry = by_plan_message_[plan_index];
    if ((frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0 || frame.len < entry.fast_len) {
      return kNotFast;
    }
    return entry.kernel(ops_.data() + entry.ops_offset, load_le64(frame), frame.t_ns, out);
  }

 private:
  // Every op starts with its `head`: stored as it is as a Sample's first 8 bytes (signal index
  // in bits 0..31, kind in bits 32..39); bits 40..47 (the shift of the signal's LSB in its
  // word) and, in messages of mixed byte order, bit 63 (set: the big-endian word, Motorola; a
  // sign test selects it) land in Sample's padding, which means nothing (make_head()).
  // The op structs are trivial (no member initializers): add_message() creates them in ops_ by
  // memcpy, and the kernels read them in place.
  // An unsigned integer signal without scaling: the value is the raw bits.
  struct PlainOp {
    uint64_t head;
    uint64_t mask;  // 2^length - 1
  };
  // Every other fast signal. Integer ops have real_factor = real_offset = 0.0 and binary64 ops
  // int_factor = int_offset = 0, so the value is the OR of both results, with no branch on
  // the kind.
  struct ScaledOp {
    uint64_t head;
    uint64_t mask;
    uint64_t sign;  // 2^(length - 1) for signed signals: (raw ^ sign) - sign extends it
    uint64_t int_factor;
    uint64_t int_offset;
    double real_factor;
    double real_offset;
  };
  // Before the ops of a message that runs the loop kernel: how many of each there are.
  struct LoopHeader {
    uint64_t plain_count;
    uint64_t scaled_count;
  };
  static_assert(sizeof(PlainOp) % 8 == 0 && sizeof(ScaledOp) % 8 == 0 &&
                sizeof(LoopHeader) % 8 == 0);

  // Writes the message's samples (plain ops first, then scaled ops) and returns their count.
  // `ops` points at the message's ops in ops_; `le` is the frame's first 8 bytes read
  // little-endian.
  using Kernel = size_t (*)(const std::byte* ops, uint64_t le, uint64_t t_ns, Sample* out) noexcept;
  // The largest shape with its own kernel; larger messages run the loop kernel. Covers about
  // nine frames in ten of the Kona, RAV4 and Ford captures.
  static constexpr unsigned kMaxKernelPlain = 8;
  static constexpr unsigned kMaxKernelScaled = 4;

  // What a frame of one bus and identifier needs: 16 bytes on 64-bit targets (12 on 32-bit), so
  // that it is one load.
  struct Entry {
    Kernel kernel = nullptr;
    uint32_t ops_offset = 0;  // where the message's ops start in ops_, in bytes
    uint8_t fast_len = 0xFF;  // frames at least this long take the fast path; 0xFF: none do
    uint8_t tally = kTallyNothing;
  };
  static_assert(sizeof(Entry) == sizeof(Kernel) + 8);

  static_assert(std::endian::native == std::endian::little,
                "the 8 data bytes are read as a little-endian word with one load, and an op's "
                "head is a Sample's first 8 bytes (x86-64, arm64 and armhf are little-endian)");

  // Which word a message's ops read. Signals within one byte read either (their byte sits in
  // both), so they take the message's order and only a message with multi-byte signals of
  // both orders is mixed.
  enum class WordOrder : uint8_t { kLittle, kBig, kMixed };
  static WordOrder word_order(const DecoderPlan& plan, const MessagePlan& message);
  static uint64_t make_head(const DecodeOp& op, const OpLayout& layout, WordOrder order);
  // Appends the message's ops to ops_ and returns its entry (for the fast path).
  Entry add_message(const DecoderPlan& plan, const MessagePlan& message);
  static Kernel kernel_for(unsigned plain_count, unsigned scaled_count, WordOrder order) noexcept;
  // Why the byte order is a template parameter: the kernel then reads one word, chosen at
  // compile time, and shifts it per signal without a per-signal select; nearly every message
  // has one byte order (of the 527 messages in the Kona, RAV4 and Ford DBCs, 2 mix multi-byte
  // signals of both orders).
  template <unsigned kPlain, unsigned kScaled, bool kBigEndian>
  static size_t run_shape(const std::byte* ops, uint64_t le, uint64_t t_ns, Sample* out) noexcept;
  // Messages larger than any shape, and messages of mixed byte order (kMixed: each op chooses
  // its word): a loop over the ops after a LoopHeader.
  template <WordOrder kOrder>
  static size_t run_loops(const std::byte* ops, uint64_t le, uint64_t t_ns, Sample* out) noexcept;

  static uint64_t load_le64(const CanFrame& frame) noexcept {
    uint64_t le;
    std::memcpy(&le, frame.data, sizeof le);
    return le;
  }

  size_t bus_count_ = 0;
  std::vector<Entry> entries_;          // [bus << 11 | id]
  std::vector<Entry> by_plan_message_;  // by plan message index
  // The ops of every fast message, each message's together: [LoopHeader] PlainOp... ScaledOp...
  // Byte storage, in which memcpy creates the ops (C++20 implicit object creation); 8-aligned.
  std::vector<std::byte> ops_;
};

}  // namespace autograph::can
