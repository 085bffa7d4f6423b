#include "fast_decode_table.hpp"

#include <limits>

#include "autograph/check.hpp"

namespace autograph::can {

FastDecodeTable::FastDecodeTable(const DecoderPlan& plan)
    : bus_count_(plan.buses.size()),
      standard_(plan.buses.size() << 11, kUnknown),
      by_plan_message_(plan.messages.size(), kSlow),
      messages_(2) {
  messages_[kUnknown].fast_len = 0;
  std::vector<OpRange> ranges(2);
  add_loop_fillers(ranges[kUnknown]);
  ranges[kSlow] = ranges[kUnknown];  // never run: no frame is 0xFF bytes long
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
  // Every op is in place now: turn the ranges into pointers (the unknown and slow messages'
  // empty ranges included).
  for (size_t m = 0; m < messages_.size(); ++m) {
    Message& message = messages_[m];
    message.plain = plain_.data() + ranges[m].first_plain;
    message.plain_end = message.plain + ranges[m].plain_count;
    message.scaled = scaled_.data() + ranges[m].first_scaled;
    message.scaled_end = message.scaled + ranges[m].scaled_count;
  }
  for (size_t b = 0; b < plan.buses.size(); ++b) {
    for (size_t id = 0; id < BusPlan::kStandardIds; ++id) {
      const uint16_t plan_index = plan.buses[b].standard[id];
      if (plan_index != 0) {
        standard_[(b << 11) | id] = static_cast<uint16_t>(by_plan_message_[plan_index - 1]);
      }
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
  OpRange range{.first_plain = plain_.size(), .first_scaled = scaled_.size()};
  for (uint32_t i = message.first_op; i < message.first_op + message.op_count; ++i) {
    const DecodeOp& op = plan.ops[i];
    const OpLayout& layout = plan.layouts[i];
    const Head head = make_head(op, layout);
    const uint64_t mask = layout.length == 64 ? ~uint64_t{0} : (uint64_t{1} << layout.length) - 1;
    if (op.kind == OpKind::kUnsignedInteger && !op.is_signed && op.factor.integer == 1 &&
        op.offset.integer == 0) {
      plain_.push_back(PlainOp{head, mask});
      ++range.plain_count;
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
    ++range.scaled_count;
  }
  Message fast;
  fast.sample_count = message.op_count;
  fast.scaled_slot = add_loop_fillers(range);
  fast.fast_len = message.needed_len;
  messages_.push_back(fast);
  return range;
}

uint16_t FastDecodeTable::add_loop_fillers(OpRange& range) {
  const auto plain_count = static_cast<uint16_t>(range.plain_count);
  if (range.plain_count == 0) {
    plain_.push_back(PlainOp{Head{}, 0});
    range.plain_count = 1;
  }
  if (range.scaled_count != 0) {
    return plain_count;
  }
  const PlainOp& last = plain_.back();
  ScaledOp repeat;
  repeat.head = last.head;
  repeat.mask = last.mask;
  repeat.int_factor = last.mask == 0 ? 0 : 1;
  scaled_.push_back(repeat);
  range.scaled_count = 1;
  return plain_count == 0 ? 0 : static_cast<uint16_t>(plain_count - 1);
}

}  // namespace autograph::can
