// The hot path: identifier lookup, then one run of precomputed extraction operations per frame.
#include "autograph/can/decoder.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "autograph/check.hpp"

namespace autograph::can {
namespace {

static_assert(std::endian::native == std::endian::little ||
              std::endian::native == std::endian::big);

uint64_t load_le64(const uint8_t* bytes) noexcept {
  uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  if constexpr (std::endian::native == std::endian::big) {
    word = __builtin_bswap64(word);
  }
  return word;
}

uint64_t mask_bits(uint64_t raw, unsigned length) noexcept {
  return length == 64 ? raw : raw & ((uint64_t{1} << length) - 1);
}

// The raw bits of a signal anywhere in the frame, byte by byte: for signals the 8-byte words
// do not cover. A signal spans at most 9 bytes (64 bits starting mid-byte).
uint64_t extract_general(const uint8_t* data, const OpLayout& layout) noexcept {
  const uint8_t* bytes = data + layout.first_byte;
  const unsigned head = std::min<unsigned>(layout.byte_count, 8);
  uint64_t word = 0;
  uint64_t raw;
  if (layout.big_endian) {
    for (unsigned i = 0; i < head; ++i) {
      word = (word << 8) | bytes[i];
    }
    raw = layout.byte_count == 9
              ? (word << (8 - layout.bit_shift)) | (uint64_t{bytes[8]} >> layout.bit_shift)
              : word >> layout.bit_shift;
  } else {
    for (unsigned i = 0; i < head; ++i) {
      word |= uint64_t{bytes[i]} << (8 * i);
    }
    raw = word >> layout.bit_shift;
    if (layout.byte_count == 9) {
      raw |= uint64_t{bytes[8]} << (64 - layout.bit_shift);
    }
  }
  return mask_bits(raw, layout.length);
}

// raw (masked to the signal's length) -> the sample value.
SampleValue convert(const DecodeOp& op, uint64_t raw) noexcept {
  const uint64_t extended = (raw ^ op.sign_bit) - op.sign_bit;
  SampleValue value;
  switch (op.kind) {
    case OpKind::kUnsignedInteger:
    case OpKind::kSignedInteger:
      value.u64 = extended * op.factor.integer + op.offset.integer;
      break;
    case OpKind::kDouble:
      value.f64 =
          static_cast<double>(static_cast<int64_t>(extended)) * op.factor.real + op.offset.real;
      break;
    case OpKind::kDoubleFromU64:
      value.f64 = static_cast<double>(raw) * op.factor.real + op.offset.real;
      break;
    case OpKind::kFloat32:
      value.f64 = std::bit_cast<float>(static_cast<uint32_t>(raw));
      break;
    case OpKind::kFloat32Scaled:
      value.f64 =
          static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(raw))) * op.factor.real +
          op.offset.real;
      break;
    case OpKind::kFloat64:
      value.f64 = std::bit_cast<double>(raw);
      break;
    case OpKind::kFloat64Scaled:
      value.f64 = std::bit_cast<double>(raw) * op.factor.real + op.offset.real;
      break;
  }
  return value;
}

SampleKind sample_kind(OpKind kind) noexcept {
  return kind == OpKind::kUnsignedInteger ? SampleKind::kUnsigned
         : kind == OpKind::kSignedInteger ? SampleKind::kSigned
                                          : SampleKind::kFloat;
}

// A multiplexor's value as cantools compares it: int(physical value); nullopt-like `false` when
// it cannot equal any (non-negative) multiplexor value.
bool mux_number(const DecodeOp& op, SampleValue value, uint64_t& number) noexcept {
  switch (sample_kind(op.kind)) {
    case SampleKind::kUnsigned:
      number = value.u64;
      return true;
    case SampleKind::kSigned:
      number = static_cast<uint64_t>(value.i64);
      return value.i64 >= 0;
    case SampleKind::kFloat:
      break;
  }
  if (!(value.f64 >= 0.0 && value.f64 < 18446744073709551616.0)) {
    return false;
  }
  number = static_cast<uint64_t>(value.f64);
  return true;
}

}  // namespace

Result<Decoder> Decoder::compile(std::span<const Database> buses,
                                 const SignalSelection& selection) {
  auto plan = compile_decoder_plan(buses, selection);
  if (!plan) {
    return tl::unexpected(plan.error());
  }
  return Decoder(std::move(*plan));
}

Decoder::Decoder(DecoderPlan plan) : plan_(std::move(plan)), counters_(plan_.buses.size()) {}

uint32_t Decoder::find_message(const BusPlan& bus, uint32_t id) const noexcept {
  if ((id & CanFrame::kEffFlag) == 0) {
    return id < BusPlan::kStandardIds ? bus.standard[id] : 0;
  }
  const auto it = std::lower_bound(bus.extended_ids.begin(), bus.extended_ids.end(), id);
  if (it == bus.extended_ids.end() || *it != id) {
    return 0;
  }
  return bus.extended_messages[static_cast<size_t>(it - bus.extended_ids.begin())];
}

bool Decoder::knows(uint16_t bus, uint32_t id) const noexcept {
  return bus < plan_.buses.size() && find_message(plan_.buses[bus], id) != 0;
}

DecoderCounters Decoder::counters(uint16_t bus) const noexcept {
  return bus < counters_.size() ? counters_[bus] : DecoderCounters{};
}

size_t Decoder::decode(const CanFrame& frame, std::span<Sample> out) noexcept {
  AG_CHECK(out.size() >= plan_.max_samples_per_frame, "out is smaller than max_samples_per_frame");
  if (frame.bus >= plan_.buses.size()) [[unlikely]] {
    ++unknown_bus_;
    return 0;
  }
  DecoderCounters& counters = counters_[frame.bus];
  if ((frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0) [[unlikely]] {
    ++counters.skipped;
    return 0;
  }
  const uint32_t index = find_message(plan_.buses[frame.bus], frame.id);
  if (index == 0) {
    ++counters.unknown_id;
    return 0;
  }
  const MessagePlan& message = plan_.messages[index - 1];
  if (message.emit_count == 0) [[unlikely]] {
    ++counters.unselected;
    return 0;
  }
  ++counters.decoded;
  if ((message.flags & MessagePlan::kFast) != 0 && frame.len >= message.needed_len) [[likely]] {
    return decode_fast(message, frame, out.data());
  }
  return decode_general(message, frame, out.data());
}

size_t Decoder::decode_fast(const MessagePlan& message, const CanFrame& frame,
                            Sample* out) const noexcept {
  const uint64_t le = load_le64(frame.data);
  const uint64_t words[2] = {le, __builtin_bswap64(le)};
  const DecodeOp* op = plan_.ops.data() + message.first_op;
  const DecodeOp* const end = op + message.op_count;
  Sample* sample = out;
  for (; op != end; ++op, ++sample) {
    const uint64_t raw = (words[op->word] << op->left_shift) >> op->right_shift;
    sample->signal = op->signal;
    sample->kind = sample_kind(op->kind);
    sample->t_ns = frame.t_ns;
    sample->value = convert(*op, raw);
  }
  return static_cast<size_t>(sample - out);
}

size_t Decoder::decode_general(const MessagePlan& message, const CanFrame& frame,
                               Sample* out) const noexcept {
  bool slot_active[kMaxMuxSlots] = {};
  uint64_t slot_value[kMaxMuxSlots];
  const uint64_t le = load_le64(frame.data);
  const uint64_t words[2] = {le, __builtin_bswap64(le)};
  size_t count = 0;
  for (uint32_t i = message.first_op; i < message.first_op + message.op_count; ++i) {
    const DecodeOp& op = plan_.ops[i];
    const OpLayout& layout = plan_.layouts[i];
    if (layout.needed_len > frame.len) {
      continue;
    }
    if (layout.selector_slot != kNoMuxSlot) {
      if (!slot_active[layout.selector_slot]) {
        continue;
      }
      const uint64_t selector = slot_value[layout.selector_slot];
      const MuxRange* range = plan_.mux_ranges.data() + layout.first_range;
      const MuxRange* const ranges_end = range + layout.range_count;
      while (range != ranges_end && (selector < range->low || selector > range->high)) {
        ++range;
      }
      if (range == ranges_end) {
        continue;
      }
    }
    const uint64_t raw = layout.fast ? (words[op.word] << op.left_shift) >> op.right_shift
                                     : extract_general(frame.data, layout);
    const SampleValue value = convert(op, raw);
    if (layout.own_slot != kNoMuxSlot) {
      slot_active[layout.own_slot] = mux_number(op, value, slot_value[layout.own_slot]);
    }
    if (op.signal != kHiddenSignal) {
      out[count++] = Sample{op.signal, sample_kind(op.kind), frame.t_ns, value};
    }
  }
  return count;
}

}  // namespace autograph::can
