#include "fast_decode_table.hpp"

#include <array>
#include <limits>
#include <utility>

#include "autograph/check.hpp"

namespace autograph::can {
namespace {

// One sample: the op's head (signal index, kind), the frame's time and the value bits.
template <typename Op>
inline void store(Sample* sample, const Op& op, uint64_t t_ns, uint64_t value) noexcept {
  std::memcpy(static_cast<void*>(sample), &op.head, sizeof op.head);
  sample->t_ns = t_ns;
  std::memcpy(&sample->value, &value, sizeof value);
}

template <typename Op>
inline uint64_t raw_bits(const Op& op, const uint64_t* words) noexcept {
  return (words[op.head.word] >> op.head.shift) & op.mask;
}

// Both scalings of a scaled op, OR-ed: the one that does not apply yields all-zero bits.
template <typename Op>
inline uint64_t scaled_value(const Op& op, const uint64_t* words) noexcept {
  const uint64_t raw = (raw_bits(op, words) ^ op.sign) - op.sign;
  const uint64_t integer = raw * op.int_factor + op.int_offset;
  const double real =
      static_cast<double>(static_cast<int64_t>(raw)) * op.real_factor + op.real_offset;
  uint64_t real_bits;
  std::memcpy(&real_bits, &real, sizeof real_bits);
  return integer | real_bits;
}

}  // namespace

template <unsigned kPlain, unsigned kScaled>
size_t FastDecodeTable::run_shape(const Message& message, uint64_t le, uint64_t t_ns,
                                  Sample* out) noexcept {
  const uint64_t words[2] = {le, __builtin_bswap64(le)};
  const PlainOp* plain = message.plain;
  const ScaledOp* scaled = message.scaled;
  [&]<size_t... kI>(std::index_sequence<kI...>) {
    (store(out + kI, plain[kI], t_ns, raw_bits(plain[kI], words)), ...);
  }
  (std::make_index_sequence<kPlain>{});
  [&]<size_t... kI>(std::index_sequence<kI...>) {
    (store(out + kPlain + kI, scaled[kI], t_ns, scaled_value(scaled[kI], words)), ...);
  }
  (std::make_index_sequence<kScaled>{});
  return kPlain + kScaled;
}

size_t FastDecodeTable::run_loops(const Message& message, uint64_t le, uint64_t t_ns,
                                  Sample* out) noexcept {
  const uint64_t words[2] = {le, __builtin_bswap64(le)};
  const size_t plain_count = message.plain_count;
  const size_t scaled_count = message.scaled_count;
  for (size_t i = 0; i < plain_count; ++i) {
    store(out + i, message.plain[i], t_ns, raw_bits(message.plain[i], words));
  }
  for (size_t i = 0; i < scaled_count; ++i) {
    store(out + plain_count + i, message.scaled[i], t_ns, scaled_value(message.scaled[i], words));
  }
  return plain_count + scaled_count;
}

FastDecodeTable::Kernel FastDecodeTable::kernel_for(unsigned plain_count,
                                                    unsigned scaled_count) noexcept {
  constexpr unsigned kColumns = kMaxKernelScaled + 1;
  constexpr auto kKernels = []<size_t... kI>(std::index_sequence<kI...>) {
    return std::array<Kernel, sizeof...(kI)>{run_shape<kI / kColumns, kI % kColumns>...};
  }
  (std::make_index_sequence<(kMaxKernelPlain + 1) * kColumns>{});
  if (plain_count > kMaxKernelPlain || scaled_count > kMaxKernelScaled) {
    return run_loops;
  }
  return kKernels[plain_count * kColumns + scaled_count];
}

FastDecodeTable::FastDecodeTable(const DecoderPlan& plan)
    : bus_count_(plan.buses.size()),
      standard_(plan.buses.size() << 11, kUnknown),
      kernels_(plan.buses.size() << 11),
      by_plan_message_(plan.messages.size(), kSlow),
      messages_(2) {
  messages_[kUnknown].fast_len = 0;
  std::vector<OpRange> ranges(2);
  for (size_t m = 0; m < plan.messages.size(); ++m) {
    const MessagePlan& message = plan.messages[m];
    const bool fast = (message.flags & MessagePlan::kFast) != 0 && message.emit_count != 0 &&
                      message.emit_count == message.op_count;
    if (fast) {
      AG_CHECK(messages_.size() <= std::numeric_limits<uint16_t>::max(), "too many messages");
      by_plan_message_[m] = static_cast<uint32_t>(messages_.size());
      ranges.push_back(add_message(plan, message));
    }
  }
  // Every op is in place now: turn the ranges into pointers and pick the kernels (the unknown
  // and slow messages have no ops and run the empty kernel).
  for (size_t m = 0; m < messages_.size(); ++m) {
    Message& message = messages_[m];
    message.plain = plain_.data() + ranges[m].first_plain;
    message.scaled = scaled_.data() + ranges[m].first_scaled;
    message.kernel = kernel_for(message.plain_count, message.scaled_count);
  }
  for (size_t b = 0; b < plan.buses.size(); ++b) {
    for (size_t id = 0; id < BusPlan::kStandardIds; ++id) {
      const uint16_t plan_index = plan.buses[b].standard[id];
      const size_t slot = (b << 11) | id;
      if (plan_index != 0) {
        standard_[slot] = static_cast<uint16_t>(by_plan_message_[plan_index - 1]);
      }
      kernels_[slot] = messages_[standard_[slot]].kernel;
    }
  }
}

FastDecodeTable::Head FastDecodeTable::make_head(const DecodeOp& op, const OpLayout& layout) {
  Head head;
  head.signal = op.signal;
  head.kind = op.sample_kind;
  // The LSB's position: Intel counts from bit 0 of the little-endian word; a Motorola signal
  // ending at MSB-first position `end` has its LSB at bit 64 - end of the big-endian word.
  const unsigned end = 8u * layout.first_byte + 8u * layout.byte_count - layout.bit_shift;
  head.shift = static_cast<uint8_t>(layout.big_endian ? 64u - end
                                                      : 8u * layout.first_byte + layout.bit_shift);
  head.word = layout.big_endian ? 1 : 0;
  return head;
}

FastDecodeTable::OpRange FastDecodeTable::add_message(const DecoderPlan& plan,
                                                      const MessagePlan& message) {
  const OpRange range{.first_plain = plain_.size(), .first_scaled = scaled_.size()};
  for (uint32_t i = message.first_op; i < message.first_op + message.op_count; ++i) {
    const DecodeOp& op = plan.ops[i];
    const OpLayout& layout = plan.layouts[i];
    const Head head = make_head(op, layout);
    const uint64_t mask = layout.length == 64 ? ~uint64_t{0} : (uint64_t{1} << layout.length) - 1;
    if (op.kind == OpKind::kUnsignedInteger && !op.is_signed && op.factor.integer == 1 &&
        op.offset.integer == 0) {
      plain_.push_back(PlainOp{head, mask});
      continue;
    }
    ScaledOp scaled;
    scaled.head = head;
    scaled.mask = mask;
    scaled.sign = op.is_signed ? uint64_t{1} << (layout.length - 1) : 0;
    if (op.kind == OpKind::kUnsignedInteger || op.kind == OpKind::kSignedInteger) {
      scaled.int_factor = op.factor.integer;
      scaled.int_offset = op.offset.integer;
    } else {
      scaled.real_factor = op.factor.real;
      scaled.real_offset = op.offset.real;
    }
    scaled_.push_back(scaled);
  }
  Message fast;
  fast.plain_count = static_cast<uint16_t>(plain_.size() - range.first_plain);
  fast.scaled_count = static_cast<uint16_t>(scaled_.size() - range.first_scaled);
  fast.fast_len = message.needed_len;
  messages_.push_back(fast);
  return range;
}

}  // namespace autograph::can
