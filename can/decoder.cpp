// The hot path: identifier lookup, then one run of precomputed extraction operations per frame.
#include "autograph/can/decoder.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "autograph/check.hpp"
#include "fast_decode_table.hpp"

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

// The signal's bits from a word shifted so that its MSB is bit 63: zero- or sign-extended.
uint64_t take_bits(uint64_t shifted, const DecodeOp& op) noexcept {
  const uint64_t as_unsigned = shifted >> op.right_shift;
  const auto as_signed = static_cast<uint64_t>(static_cast<int64_t>(shifted) >> op.right_shift);
  return op.is_signed ? as_signed : as_unsigned;
}

inline uint64_t scale(const DecodeOp& op, double value) noexcept {
  return std::bit_cast<uint64_t>(value * op.factor.real + op.offset.real);
}

// The value bits of any op kind, from its extended raw value (the general path).
uint64_t convert(const DecodeOp& op, uint64_t raw) noexcept {
  switch (op.kind) {
    case OpKind::kUnsignedInteger:
    case OpKind::kSignedInteger:
      return raw * op.factor.integer + op.offset.integer;
    case OpKind::kDouble:
      return scale(op, static_cast<double>(static_cast<int64_t>(raw)));
    case OpKind::kDoubleFromU64:
      return scale(op, static_cast<double>(raw));
    case OpKind::kFloat32:
      return std::bit_cast<uint64_t>(
          static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(raw))));
    case OpKind::kFloat32Scaled:
      return scale(op, static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(raw))));
    case OpKind::kFloat64:
      return raw;
    case OpKind::kFloat64Scaled:
      return scale(op, std::bit_cast<double>(raw));
  }
  return raw;
}

// A multiplexor's value as cantools compares it: int(physical value); nullopt-like `false` when
// it cannot equal any (non-negative) multiplexor value.
bool mux_number(const DecodeOp& op, uint64_t value, uint64_t& number) noexcept {
  switch (op.kind) {
    case OpKind::kUnsignedInteger:
      number = value;
      return true;
    case OpKind::kSignedInteger:
      number = value;
      return static_cast<int64_t>(value) >= 0;
    default:
      break;
  }
  const double real = std::bit_cast<double>(value);
  if (!(real >= 0.0 && real < 18446744073709551616.0)) {
    return false;
  }
  number = static_cast<uint64_t>(real);
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

Decoder::Decoder(DecoderPlan plan)
    : plan_(std::move(plan)),
      fast_(std::make_unique<const FastDecodeTable>(plan_)),
      counters_(plan_.buses.size()),
      tallies_(plan_.buses.size() * FastDecodeTable::kTallies),
      max_samples_per_frame_(plan_.max_samples_per_frame) {}

Decoder::Decoder(Decoder&& other) noexcept = default;
Decoder& Decoder::operator=(Decoder&& other) noexcept = default;
Decoder::~Decoder() = default;

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
  if (bus >= counters_.size()) {
    return DecoderCounters{};
  }
  DecoderCounters counters = counters_[bus];
  const uint64_t* tallies = tallies_.data() + bus * FastDecodeTable::kTallies;
  counters.unknown_id += tallies[FastDecodeTable::kTallyUnknown];
  counters.unselected += tallies[FastDecodeTable::kTallyUnselected];
  return counters;
}

size_t Decoder::decode(const CanFrame& frame, std::span<Sample> out) noexcept {
  AG_CHECK(out.size() >= max_samples_per_frame_, "out is smaller than max_samples_per_frame");
  return fast_->decode(frame, out.data(), tallies_.data(), &Decoder::slow_path, this);
}

size_t Decoder::slow_path(void* decoder, const CanFrame& frame, Sample* out) noexcept {
  return static_cast<Decoder*>(decoder)->decode_slow(frame, out);
}

size_t Decoder::decode_slow(const CanFrame& frame, Sample* out) noexcept {
  if (frame.bus >= plan_.buses.size()) {
    ++unknown_bus_;
    return 0;
  }
  DecoderCounters& counters = counters_[frame.bus];
  if ((frame.flags & (CanFrame::kRtr | CanFrame::kErr)) != 0) {
    ++counters.skipped;
    return 0;
  }
  const uint32_t index = find_message(plan_.buses[frame.bus], frame.id);
  if (index == 0) {
    ++counters.unknown_id;
    return 0;
  }
  const MessagePlan& message = plan_.messages[index - 1];
  if (message.emit_count == 0) {
    ++counters.unselected;
    return 0;
  }
  const size_t count = fast_->decode_plan_message(index - 1, frame, out);
  return count != FastDecodeTable::kNotFast ? count : decode_general(message, frame, out);
}

size_t Decoder::decode_general(const MessagePlan& message, const CanFrame& frame,
                               Sample* out) const noexcept {
  bool slot_active[kMaxMuxSlots] = {};
  uint64_t slot_value[kMaxMuxSlots];
  const uint64_t le = load_le64(frame.data);
  const uint64_t be = __builtin_bswap64(le);
  size_t count = 0;
  for (uint32_t i = message.first_op; i < message.first_op + message.op_count; ++i) {
    const DecodeOp& op = plan_.ops[i];
    const OpLayout& layout = plan_.layouts[i];
    if (layout.needed_len > frame.len || !selected_by_mux(layout, slot_active, slot_value)) {
      continue;
    }
    const uint64_t raw = layout.fast
                             ? take_bits((op.big_endian ? be : le) << op.left_shift, op)
                             : take_bits(extract_general(frame.data, layout) << op.right_shift, op);
    const uint64_t value = convert(op, raw);
    if (layout.own_slot != kNoMuxSlot) {
      slot_active[layout.own_slot] = mux_number(op, value, slot_value[layout.own_slot]);
    }
    if (op.signal != kHiddenSignal) {
      Sample& sample = out[count++];
      sample.signal = op.signal;
      sample.kind = op.sample_kind;
      sample.t_ns = frame.t_ns;
      std::memcpy(&sample.value, &value, sizeof value);
    }
  }
  return count;
}

bool Decoder::selected_by_mux(const OpLayout& layout, const bool* slot_active,
                              const uint64_t* slot_value) const noexcept {
  if (layout.selector_slot == kNoMuxSlot) {
    return true;
  }
  if (!slot_active[layout.selector_slot]) {
    return false;
  }
  const uint64_t selector = slot_value[layout.selector_slot];
  const MuxRange* range = plan_.mux_ranges.data() + layout.first_range;
  const MuxRange* const end = range + layout.range_count;
  for (; range != end; ++range) {
    if (selector >= range->low && selector <= range->high) {
      return true;
    }
  }
  return false;
}

}  // namespace autograph::can
