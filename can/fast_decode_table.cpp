#include "fast_decode_table.hpp"

#include <array>
#include <limits>
#include <new>
#include <utility>

#include "autograph/check.hpp"

namespace autograph::can {
namespace {

// Where make_head() puts the op's shift and byte order (see PlainOp::head).
constexpr unsigned kShiftBit = 40;
constexpr uint64_t kBigEndianBit = uint64_t{1} << 63;

// The ops at `bytes` in ops_, where add_message() created them.
template <typename Op>
inline const Op* ops_at(const std::byte* bytes) noexcept {
  return std::launder(reinterpret_cast<const Op*>(bytes));
}

// One sample: the op's head (signal index, kind, padding), the frame's time and the value bits.
inline void store(Sample* sample, uint64_t head, uint64_t t_ns, uint64_t value) noexcept {
  std::memcpy(static_cast<void*>(sample), &head, sizeof head);
  sample->t_ns = t_ns;
  std::memcpy(&sample->value, &value, sizeof value);
}

// The signal's bits, shifted by the head's shift (x86 and arm shifts use the low 6 bits of the
// count, so `& 63` costs nothing).
inline uint64_t raw_bits(uint64_t head, uint64_t mask, uint64_t word) noexcept {
  return (word >> ((head >> kShiftBit) & 63)) & mask;
}

// The word an op of a message of mixed byte order reads: by a conditional move, not a branch,
// since the byte order changes from op to op.
inline uint64_t word_of(uint64_t head, uint64_t le, uint64_t be) noexcept {
  static_assert(kBigEndianBit == uint64_t{1} << 63, "a sign test selects the word");
  return static_cast<int64_t>(head) < 0 ? be : le;
}

// Both scalings of a scaled op, OR-ed: the one that does not apply yields all-zero bits.
template <typename Op>
inline uint64_t scaled_value(const Op& op, uint64_t word) noexcept {
  const uint64_t raw = (raw_bits(op.head, op.mask, word) ^ op.sign) - op.sign;
  const uint64_t integer = raw * op.int_factor + op.int_offset;
  const double real =
      static_cast<double>(static_cast<int64_t>(raw)) * op.real_factor + op.real_offset;
  uint64_t real_bits;
  std::memcpy(&real_bits, &real, sizeof real_bits);
  return integer | real_bits;
}

}  // namespace

template <unsigned kPlain, unsigned kScaled, bool kBigEndian>
size_t FastDecodeTable::run_shape(const std::byte* ops, uint64_t le, uint64_t t_ns,
                                  Sample* out) noexcept {
  const uint64_t word = kBigEndian ? __builtin_bswap64(le) : le;
  const PlainOp* plain = ops_at<PlainOp>(ops);
  const ScaledOp* scaled = ops_at<ScaledOp>(ops + kPlain * sizeof(PlainOp));
  [&]<size_t... kI>(std::index_sequence<kI...>) {
    (store(out + kI, plain[kI].head, t_ns, raw_bits(plain[kI].head, plain[kI].mask, word)), ...);
  }
  (std::make_index_sequence<kPlain>{});
  [&]<size_t... kI>(std::index_sequence<kI...>) {
    (store(out + kPlain + kI, scaled[kI].head, t_ns, scaled_value(scaled[kI], word)), ...);
  }
  (std::make_index_sequence<kScaled>{});
  return kPlain + kScaled;
}

template <FastDecodeTable::WordOrder kOrder>
size_t FastDecodeTable::run_loops(const std::byte* ops, uint64_t le, uint64_t t_ns,
                                  Sample* out) noexcept {
  const uint64_t be = __builtin_bswap64(le);
  // One word for the whole message, or (mixed) each op's own by its head.
  const auto word = [le, be](uint64_t head) noexcept {
    if constexpr (kOrder == WordOrder::kMixed) {
      return word_of(head, le, be);
    } else {
      return kOrder == WordOrder::kBig ? be : le;
    }
  };
  const LoopHeader& header = *ops_at<LoopHeader>(ops);
  const auto plain_count = static_cast<size_t>(header.plain_count);
  const auto scaled_count = static_cast<size_t>(header.scaled_count);
  const PlainOp* plain = ops_at<PlainOp>(ops + sizeof(LoopHeader));
  const ScaledOp* scaled =
      ops_at<ScaledOp>(ops + sizeof(LoopHeader) + plain_count * sizeof(PlainOp));
  for (size_t i = 0; i < plain_count; ++i) {
    const uint64_t head = plain[i].head;
    store(out + i, head, t_ns, raw_bits(head, plain[i].mask, word(head)));
  }
  for (size_t i = 0; i < scaled_count; ++i) {
    const uint64_t head = scaled[i].head;
    store(out + plain_count + i, head, t_ns, scaled_value(scaled[i], word(head)));
  }
  return plain_count + scaled_count;
}

FastDecodeTable::Kernel FastDecodeTable::kernel_for(unsigned plain_count, unsigned scaled_count,
                                                    WordOrder order) noexcept {
  constexpr unsigned kColumns = kMaxKernelScaled + 1;
  constexpr size_t kShapes = (kMaxKernelPlain + 1) * kColumns;
  constexpr auto kKernels = []<size_t... kI>(std::index_sequence<kI...>) {
    return std::array<Kernel, sizeof...(kI)>{
        run_shape<kI % kShapes / kColumns, kI % kColumns, (kI >= kShapes)>...};
  }
  (std::make_index_sequence<2 * kShapes>{});
  const bool big = order == WordOrder::kBig;
  if (order == WordOrder::kMixed) {
    return run_loops<WordOrder::kMixed>;
  }
  if (plain_count > kMaxKernelPlain || scaled_count > kMaxKernelScaled) {
    return big ? run_loops<WordOrder::kBig> : run_loops<WordOrder::kLittle>;
  }
  return kKernels[(big ? kShapes : 0) + plain_count * kColumns + scaled_count];
}

FastDecodeTable::FastDecodeTable(const DecoderPlan& plan)
    : bus_count_(plan.buses.size()),
      entries_(plan.buses.size() << 11,
               Entry{.kernel = run_shape<0, 0, false>, .fast_len = 0, .tally = kTallyUnknown}),
      by_plan_message_(plan.messages.size(), Entry{.kernel = run_shape<0, 0, false>}) {
  for (size_t m = 0; m < plan.messages.size(); ++m) {
    const MessagePlan& message = plan.messages[m];
    const bool fast = (message.flags & MessagePlan::kFast) != 0 && message.emit_count != 0 &&
                      message.emit_count == message.op_count;
    if (fast) {
      by_plan_message_[m] = add_message(plan, message);
    }
  }
  for (size_t b = 0; b < plan.buses.size(); ++b) {
    for (size_t id = 0; id < BusPlan::kStandardIds; ++id) {
      const uint16_t plan_index = plan.buses[b].standard[id];
      if (plan_index == 0) {
        continue;
      }
      Entry& entry = entries_[(b << 11) | id];
      if (plan.messages[plan_index - 1].emit_count == 0) {
        entry.tally = kTallyUnselected;  // no ops, never slow: counted here, yields nothing
        continue;
      }
      entry = by_plan_message_[plan_index - 1];
    }
  }
}

FastDecodeTable::WordOrder FastDecodeTable::word_order(const DecoderPlan& plan,
                                                       const MessagePlan& message) {
  bool little = false;
  bool big = false;
  for (uint32_t i = message.first_op; i < message.first_op + message.op_count; ++i) {
    const OpLayout& layout = plan.layouts[i];
    if (layout.byte_count > 1) {
      (layout.big_endian ? big : little) = true;
    }
  }
  if (little && big) {
    return WordOrder::kMixed;
  }
  return big ? WordOrder::kBig : WordOrder::kLittle;
}

uint64_t FastDecodeTable::make_head(const DecodeOp& op, const OpLayout& layout, WordOrder order) {
  // Which word the op reads: its own byte order in a mixed message, else the message's (a
  // signal within one byte reads the same bits from either).
  const bool big_endian = order == WordOrder::kMixed ? layout.big_endian : order == WordOrder::kBig;
  // The LSB's position. Intel counts from bit 0 of the little-endian word; a Motorola signal
  // ending at MSB-first position `end` has its LSB at bit 64 - end of the big-endian word. A
  // signal within byte k with its LSB at bit b of that byte (bit_shift either way) has it at
  // 8k + b of the little-endian word and at 8 (7 - k) + b of the big-endian one.
  unsigned shift;
  if (layout.byte_count == 1) {
    shift = 8u * (big_endian ? 7u - layout.first_byte : layout.first_byte) + layout.bit_shift;
  } else if (layout.big_endian) {
    shift = 64u - (8u * layout.first_byte + 8u * layout.byte_count - layout.bit_shift);
  } else {
    shift = 8u * layout.first_byte + layout.bit_shift;
  }
  const bool mixed_big = order == WordOrder::kMixed && big_endian;
  return uint64_t{op.signal} | uint64_t{static_cast<uint8_t>(op.sample_kind)} << 32 |
         uint64_t{shift} << kShiftBit | (mixed_big ? kBigEndianBit : 0);
}

FastDecodeTable::Entry FastDecodeTable::add_message(const DecoderPlan& plan,
                                                    const MessagePlan& message) {
  const WordOrder order = word_order(plan, message);
  std::vector<PlainOp> plain;
  std::vector<ScaledOp> scaled;
  for (uint32_t i = message.first_op; i < message.first_op + message.op_count; ++i) {
    const DecodeOp& op = plan.ops[i];
    const OpLayout& layout = plan.layouts[i];
    const uint64_t head = make_head(op, layout, order);
    const uint64_t mask = layout.length == 64 ? ~uint64_t{0} : (uint64_t{1} << layout.length) - 1;
    if (op.kind == OpKind::kUnsignedInteger && !op.is_signed && op.factor.integer == 1 &&
        op.offset.integer == 0) {
      plain.push_back(PlainOp{head, mask});
      continue;
    }
    ScaledOp& one = scaled.emplace_back();
    one.head = head;
    one.mask = mask;
    one.sign = op.is_signed ? uint64_t{1} << (layout.length - 1) : 0;
    if (op.kind == OpKind::kUnsignedInteger || op.kind == OpKind::kSignedInteger) {
      one.int_factor = op.factor.integer;
      one.int_offset = op.offset.integer;
    } else {
      one.real_factor = op.factor.real;
      one.real_offset = op.offset.real;
    }
  }
  // Every op is a multiple of 8 bytes long and vector storage is aligned for any scalar, so
  // every op lands 8-aligned.
  const auto append = [this](const auto& op) {
    const size_t at = ops_.size();
    ops_.resize(at + sizeof op);
    std::memcpy(ops_.data() + at, &op, sizeof op);
  };
  Entry entry;
  entry.kernel =
      kernel_for(static_cast<unsigned>(plain.size()), static_cast<unsigned>(scaled.size()), order);
  entry.fast_len = message.needed_len;
  AG_CHECK(ops_.size() <= std::numeric_limits<uint32_t>::max(), "decode ops beyond 4 GiB");
  entry.ops_offset = static_cast<uint32_t>(ops_.size());
  if (entry.kernel == run_loops<WordOrder::kLittle> || entry.kernel == run_loops<WordOrder::kBig> ||
      entry.kernel == run_loops<WordOrder::kMixed>) {
    append(LoopHeader{.plain_count = plain.size(), .scaled_count = scaled.size()});
  }
  for (const PlainOp& op : plain) {
    append(op);
  }
  for (const ScaledOp& op : scaled) {
    append(op);
  }
  return entry;
}

}  // namespace autograph::can
