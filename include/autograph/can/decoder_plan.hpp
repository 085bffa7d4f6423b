// The compiled form of a set of DBC databases: what the hot-path decoder (decoder.hpp) runs.
//
// compile_decoder_plan() turns one Database per bus and a selection of signals into flat arrays:
// the signal table (what each Sample::signal index means), per bus an identifier lookup, per
// message a run of extraction operations. Everything a frame needs is precomputed here (shifts,
// sign bits, integer or binary64 scaling, multiplexor slots), so decoding is table walks and
// arithmetic. The plan is plain data, built once on the owner thread and then only read.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/dbc.hpp"
#include "autograph/can/sample.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

// One signal named exactly: the bus index, the message identifier (CanFrame convention, with
// kEffFlag for extended messages) and the signal name.
struct SignalKey {
  uint16_t bus = 0;
  uint32_t message_id = 0;
  std::string signal;
};

// Which signals to decode. With no names and no keys, every signal of every message.
struct SignalSelection {
  std::vector<std::string> names;  // every signal with this name, on any bus, in any message
  std::vector<SignalKey> keys;

  bool all() const noexcept { return names.empty() && keys.empty(); }
};

// What a Sample::signal index stands for.
struct SignalInfo {
  uint16_t bus = 0;
  uint32_t message_id = 0;  // with CanFrame::kEffFlag for extended messages
  std::string message_name;
  std::string name;
  std::string unit;
  SampleKind kind = SampleKind::kFloat;  // the kind of every Sample of this signal
  ValueType value_type = ValueType::kUnsigned;
  double factor = 1.0;
  double offset = 0.0;
  double minimum = 0.0;  // as declared; values are never clamped to it
  double maximum = 0.0;
  std::vector<std::pair<int64_t, std::string>> choices;  // VAL_ entries, in file order
};

// How an operation turns the raw bits into the value.
enum class OpKind : uint8_t {
  kUnsignedInteger,  // u64 = raw * factor + offset, exact (integral factor and offset)
  kSignedInteger,    // the same, interpreted as i64
  kDouble,           // f64 = double(raw as int64) * factor + offset
  kDoubleFromU64,    // f64 = double(raw as uint64) * factor + offset (64-bit unsigned signals)
  kFloat32,          // f64 = the 32 raw bits as binary32, widened
  kFloat32Scaled,    // f64 = that * factor + offset
  kFloat64,          // f64 = the 64 raw bits as binary64
  kFloat64Scaled,    // f64 = that * factor + offset
};

// The per-signal work. For a signal that ends within the first 8 bytes, raw = (word <<
// left_shift) >> right_shift (arithmetic for signed signals), where word is those 8 bytes read
// little-endian (Intel) or big-endian (Motorola).
struct DecodeOp {
  uint32_t signal = 0;  // index into the signal table; kHiddenSignal for an unselected multiplexor
  SampleKind sample_kind = SampleKind::kUnsigned;
  OpKind kind = OpKind::kUnsignedInteger;
  uint8_t left_shift = 0;
  uint8_t right_shift = 0;  // 64 - length
  bool big_endian = false;
  bool is_signed = false;
  union Scale {
    uint64_t integer;  // kUnsignedInteger, kSignedInteger (two's complement)
    double real;       // every other kind
  };
  Scale factor{.integer = 1};
  Scale offset{.integer = 0};
};

inline constexpr uint32_t kHiddenSignal = 0xFFFFFFFFu;
inline constexpr uint8_t kNoMuxSlot = 0xFF;

// Where an operation's bits are and how multiplexing gates it: read for frames the fast path
// does not cover (short frames, bits beyond byte 8, multiplexed messages).
struct OpLayout {
  uint8_t first_byte = 0;  // first byte holding a bit of the signal
  uint8_t byte_count = 0;  // 1..9
  uint8_t bit_shift = 0;   // Intel: start bit within first_byte; Motorola: unused low bits of
                           // the last byte
  uint8_t needed_len = 0;  // the frame must have at least this many bytes (1..64)
  uint8_t length = 0;      // bits, 1..64
  bool big_endian = false;
  bool fast = false;                   // the DecodeOp words hold the signal (it ends within byte 8)
  uint8_t own_slot = kNoMuxSlot;       // multiplexors: where their value is kept for this frame
  uint8_t selector_slot = kNoMuxSlot;  // multiplexed signals: their multiplexor's slot
  uint32_t first_range = 0;  // multiplexed signals: their values in DecoderPlan::mux_ranges
  uint32_t range_count = 0;
};

struct MessagePlan {
  // No multiplexing, every op fast and of an integer kind or kDouble.
  static constexpr uint8_t kFast = 0x01;
  static constexpr uint8_t kMultiplexed = 0x02;  // at least one op is gated by a multiplexor

  uint32_t first_op = 0;    // into DecoderPlan::ops and ::layouts
  uint16_t op_count = 0;    // including hidden multiplexors
  uint16_t emit_count = 0;  // selected signals: at most this many samples per frame
  uint8_t needed_len = 0;   // frames at least this long hold every op's bits
  uint8_t flags = 0;
};

// Identifier lookup for one bus. Message indices are stored plus one; 0 means not in the DBC.
struct BusPlan {
  static constexpr uint32_t kStandardIds = 2048;
  std::array<uint16_t, kStandardIds> standard{};  // by 11-bit identifier
  std::vector<uint32_t> extended_ids;             // sorted, with kEffFlag
  std::vector<uint16_t> extended_messages;        // parallel to extended_ids
};

// The maximum multiplexors in one message (each needs a slot while a frame is decoded).
inline constexpr size_t kMaxMuxSlots = 32;

struct DecoderPlan {
  std::vector<SignalInfo> signals;
  std::vector<BusPlan> buses;  // by bus index
  std::vector<MessagePlan> messages;
  std::vector<DecodeOp> ops;
  std::vector<OpLayout> layouts;  // parallel to ops
  std::vector<MuxRange> mux_ranges;
  size_t max_samples_per_frame = 0;
};

// Compiles `buses` (index = bus index; an empty Database for a bus without a DBC) and the
// selected signals into a plan. Several DBCs for one bus must be merged by the caller first.
// Errors (nothing is compiled): kMalformed for a signal the decoder cannot extract (length 0
// or over 64, bits past byte 64, a float signal whose length is not 32 or 64, a multiplexor
// chain that loops or names a signal that does not exist), or for more than 65535 messages;
// kFailedPrecondition when a selected name or key matches no signal.
[[nodiscard]] Result<DecoderPlan> compile_decoder_plan(std::span<const Database> buses,
                                                       const SignalSelection& selection);

}  // namespace autograph::can
