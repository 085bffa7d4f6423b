// Decoder: CAN frames -> Samples, through a plan compiled from DBC databases (decoder_plan.hpp).
//
// Values equal cantools 42.0.3's decode_message(..., decode_choices=False, scaling=True,
// allow_truncated=True) exactly:
// - physical = raw * factor + offset in binary64 without FMA (this library is built with
//   -ffp-contract=off); when factor and offset are integral and the signal is not a float, the
//   value is an exact integer instead (SampleKind::kUnsigned or kSigned, chosen per signal by
//   the range raw * factor + offset can take). IEEE float signals reinterpret their raw bits.
//   Values are never clamped to the declared [minimum|maximum].
// - A frame shorter than its message yields exactly the signals whose bits all lie in the
//   received bytes; bytes beyond the message's length are ignored.
// - Multiplexed signals appear only when their multiplexor is present and its value (the
//   physical value as an integer, as cantools compares it) is one of theirs; nested chains must
//   be active all the way up. Where cantools raises "expected multiplexer id" for a value that
//   selects no branch, this decoder returns the signals outside the multiplexed branches.
// - Overlapping signals are each extracted on their own (cantools cannot unpack some of these).
// - Frames flagged kRtr or kErr carry no signal values and yield nothing.
//
// Thread: one Decoder belongs to one thread (the reactor); decode() mutates its counters. The
// plan is immutable after compile(), so a new Decoder can be compiled on another thread and
// handed over whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "autograph/can/can_frame.hpp"
#include "autograph/can/dbc.hpp"
#include "autograph/can/decoder_plan.hpp"
#include "autograph/can/sample.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

class FastDecodeTable;

// What happened to the frames of one bus since the decoder was compiled.
struct DecoderCounters {
  uint64_t unknown_id = 0;  // identifier (with its standard/extended kind) not in the DBC
  uint64_t unselected = 0;  // identifier known, but none of its signals selected
  uint64_t skipped = 0;     // remote (kRtr) and error (kErr) frames
};

class Decoder {
 public:
  // Compiles `buses` (index = CanFrame::bus; an empty Database for a bus without DBC; several
  // DBCs for one bus merged by the caller) with the selected signals (all by default). Errors
  // are those of compile_decoder_plan().
  [[nodiscard]] static Result<Decoder> compile(std::span<const Database> buses,
                                               const SignalSelection& selection = {});

  explicit Decoder(DecoderPlan plan);
  Decoder(Decoder&& other) noexcept;
  Decoder& operator=(Decoder&& other) noexcept;
  ~Decoder();

  // Appends the samples of `frame` to `out` (from index 0) and returns how many it wrote, 0 for
  // a frame of an unknown bus or identifier. `out.size()` must be at least
  // max_samples_per_frame() (AG_CHECK). Samples carry frame.t_ns. No allocation, lock,
  // exception or logging.
  size_t decode(const CanFrame& frame, std::span<Sample> out) noexcept;

  // The most samples one frame can yield: the size `out` must have.
  size_t max_samples_per_frame() const noexcept { return max_samples_per_frame_; }

  // What each Sample::signal means; indices stay valid for this Decoder's life.
  const std::vector<SignalInfo>& signals() const noexcept { return plan_.signals; }

  // The number of buses compiled: frames of higher bus indices are counted as unknown_bus.
  size_t bus_count() const noexcept { return plan_.buses.size(); }

  // Whether bus `bus` has a DBC message with this identifier (CanFrame convention), selected
  // signals or not.
  bool knows(uint16_t bus, uint32_t id) const noexcept;

  // Counters of bus `bus` (zeros for a bus index without DBC). Read on the decoding thread.
  DecoderCounters counters(uint16_t bus) const noexcept;
  // Frames whose bus index is beyond the compiled buses.
  uint64_t unknown_bus_frames() const noexcept { return unknown_bus_; }

 private:
  // Index + 1 of the frame's message in plan_.messages, 0 when unknown.
  uint32_t find_message(const BusPlan& bus, uint32_t id) const noexcept;
  // Frames the fast table does not cover: counting, extended identifiers, short frames,
  // multiplexing, float signals, signals beyond byte 8.
  size_t decode_slow(const CanFrame& frame, Sample* out) noexcept;
  // decode_slow() as the fast table calls it (`decoder` is this Decoder).
  static size_t slow_path(void* decoder, const CanFrame& frame, Sample* out) noexcept;
  size_t decode_general(const MessagePlan& message, const CanFrame& frame,
                        Sample* out) const noexcept;
  // Whether the multiplexors decoded so far in this frame select the op of `layout`.
  bool selected_by_mux(const OpLayout& layout, const bool* slot_active,
                       const uint64_t* slot_value) const noexcept;

  DecoderPlan plan_;
  std::unique_ptr<const FastDecodeTable> fast_;  // built from plan_; never null
  std::vector<DecoderCounters> counters_;        // by bus index; the slow path's counts
  std::vector<uint64_t> tallies_;  // the fast path's counts: FastDecodeTable::kTallies per bus
  size_t max_samples_per_frame_ = 0;
  uint64_t unknown_bus_ = 0;
};

}  // namespace autograph::can
