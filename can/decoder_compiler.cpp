// compile_decoder_plan(): DBC model + selection -> the flat arrays the hot-path decoder walks.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>

#include "affine_integer_range.hpp"
#include "autograph/can/can_frame.hpp"
#include "autograph/can/decoder_plan.hpp"

namespace autograph::can {
namespace {

constexpr double kTwoTo62 = 4611686018427387904.0;

// cantools gives exact integers when both factor and offset are integral. Beyond 2^62 the
// integer arithmetic below could overflow, so such (absurd) scalings stay binary64.
bool small_integral(double value) {
  return std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < kTwoTo62;
}

// The integer kind that holds every raw * factor + offset exactly, or kDouble when none does.
OpKind integer_kind(const Signal& signal) {
  if (!small_integral(signal.factor) || !small_integral(signal.offset)) {
    return OpKind::kDouble;
  }
  const bool is_signed = signal.value_type == ValueType::kSigned;
  const auto [fits_signed, fits_unsigned] =
      affine_integer_fit(is_signed, signal.length, static_cast<int64_t>(signal.factor),
                         static_cast<int64_t>(signal.offset));
  if (fits_unsigned && (!is_signed || !fits_signed)) {
    return OpKind::kUnsignedInteger;
  }
  if (fits_signed) {
    return OpKind::kSignedInteger;
  }
  return OpKind::kDouble;
}

SampleKind sample_kind_of(OpKind kind) {
  switch (kind) {
    case OpKind::kUnsignedInteger:
      return SampleKind::kUnsigned;
    case OpKind::kSignedInteger:
      return SampleKind::kSigned;
    default:
      return SampleKind::kFloat;
  }
}

// The arithmetic of one signal: kind and scale constants.
Result<void> compile_scaling(const Signal& signal, const std::string& where, DecodeOp& op) {
  const bool identity = signal.factor == 1.0 && signal.offset == 0.0;
  switch (signal.value_type) {
    case ValueType::kFloat32:
    case ValueType::kFloat64: {
      const bool is32 = signal.value_type == ValueType::kFloat32;
      if (signal.length != (is32 ? 32 : 64)) {
        return fail(ErrorCode::kMalformed, "{}: a float{} signal must be {} bits, not {}", where,
                    is32 ? 32 : 64, is32 ? 32 : 64, signal.length);
      }
      // cantools returns the float itself when there is no scaling: keep -0.0 and NaN payloads.
      op.kind = is32 ? (identity ? OpKind::kFloat32 : OpKind::kFloat32Scaled)
                     : (identity ? OpKind::kFloat64 : OpKind::kFloat64Scaled);
      break;
    }
    case ValueType::kUnsigned:
    case ValueType::kSigned:
      op.kind = integer_kind(signal);
      if (op.kind == OpKind::kDouble && signal.value_type == ValueType::kUnsigned &&
          signal.length == 64) {
        op.kind = OpKind::kDoubleFromU64;
      }
      break;
  }
  if (op.kind == OpKind::kUnsignedInteger || op.kind == OpKind::kSignedInteger) {
    op.factor.integer = static_cast<uint64_t>(static_cast<int64_t>(signal.factor));
    op.offset.integer = static_cast<uint64_t>(static_cast<int64_t>(signal.offset));
  } else {
    op.factor.real = signal.factor;
    op.offset.real = signal.offset;
  }
  return {};
}

// Where the bits of one signal are, for both the fast words and the byte-wise path.
Result<void> compile_layout(const Signal& signal, const std::string& where, DecodeOp& op,
                            OpLayout& layout) {
  const unsigned length = signal.length;
  if (length == 0 || length > 64) {
    return fail(ErrorCode::kMalformed, "{}: length {} is outside 1..64 bits", where, length);
  }
  const unsigned start = signal.start_bit;
  const bool big_endian = signal.byte_order == ByteOrder::kBigEndian;
  // Intel counts bits LSB-first from byte 0; Motorola's start is the MSB in sawtooth numbering,
  // turned here into an MSB-first linear position. `end` is one past the last bit either way,
  // in the numbering cantools uses for its truncation test.
  const unsigned first = big_endian ? 8 * (start / 8) + 7 - start % 8 : start;
  const unsigned end = first + length;
  if (end > 8 * CanFrame::kMaxFdLen) {
    return fail(ErrorCode::kMalformed, "{}: bits {}..{} run past the 64-byte frame", where, first,
                end - 1);
  }
  layout.first_byte = static_cast<uint8_t>(first / 8);
  layout.byte_count = static_cast<uint8_t>((end - 1) / 8 - first / 8 + 1);
  layout.bit_shift = static_cast<uint8_t>(big_endian ? (8 - end % 8) % 8 : first % 8);
  layout.needed_len = static_cast<uint8_t>((end + 7) / 8);
  layout.length = static_cast<uint8_t>(length);
  layout.big_endian = big_endian;
  layout.fast = end <= 64;
  op.big_endian = big_endian;
  op.left_shift = static_cast<uint8_t>(layout.fast ? (big_endian ? first : 64 - end) : 0);
  op.right_shift = static_cast<uint8_t>(64 - length);
  op.is_signed = signal.value_type == ValueType::kSigned;
  return {};
}

// Which signals of which message are selected: (bus, message index, signal index).
using SignalPos = std::tuple<size_t, size_t, size_t>;

Result<std::set<SignalPos>> resolve_selection(std::span<const Database> buses,
                                              const SignalSelection& selection) {
  std::set<SignalPos> chosen;
  std::set<std::string_view> names(selection.names.begin(), selection.names.end());
  std::set<std::string_view> matched;
  for (size_t b = 0; b < buses.size(); ++b) {
    for (size_t m = 0; m < buses[b].messages.size(); ++m) {
      const Message& message = buses[b].messages[m];
      for (size_t s = 0; s < message.signals.size(); ++s) {
        const std::string& name = message.signals[s].name;
        if (selection.all() || names.count(name) != 0) {
          chosen.emplace(b, m, s);
          matched.insert(name);
        }
      }
    }
  }
  for (const std::string& name : selection.names) {
    if (matched.count(name) == 0) {
      return fail(ErrorCode::kFailedPrecondition, "selected signal '{}' is in no DBC", name);
    }
  }
  for (const SignalKey& key : selection.keys) {
    bool found = false;
    if (key.bus < buses.size()) {
      const auto& messages = buses[key.bus].messages;
      for (size_t m = 0; m < messages.size() && !found; ++m) {
        for (size_t s = 0; s < messages[m].signals.size() && messages[m].id == key.message_id;
             ++s) {
          if (messages[m].signals[s].name == key.signal) {
            chosen.emplace(key.bus, m, s);
            found = true;
          }
        }
      }
    }
    if (!found) {
      return fail(ErrorCode::kFailedPrecondition,
                  "selected signal bus {} id 0x{:X} '{}' is in no DBC", key.bus,
                  key.message_id & CanFrame::kEffMask, key.signal);
    }
  }
  return chosen;
}

// The signals of one message to run, multiplexors before what they select. `selected[s]` says
// whether signal s was chosen; unchosen multiplexors of chosen signals come along (hidden).
Result<std::vector<uint32_t>> order_signals(const Message& message, std::vector<bool> needed,
                                            const std::string& where) {
  const size_t count = message.signals.size();
  for (size_t s = 0; s < count; ++s) {
    const auto& mux = message.signals[s].multiplexor;
    if (mux && *mux >= count) {
      return fail(ErrorCode::kMalformed, "{} signal {}: multiplexor index {} does not exist", where,
                  message.signals[s].name, *mux);
    }
  }
  // Pull in multiplexor chains; a chain longer than the signal count is a loop.
  for (size_t s = 0; s < count; ++s) {
    size_t current = s;
    for (size_t depth = 0; needed[s] && message.signals[current].multiplexor; ++depth) {
      if (depth > count) {
        return fail(ErrorCode::kMalformed, "{} signal {}: multiplexors form a loop", where,
                    message.signals[s].name);
      }
      current = *message.signals[current].multiplexor;
      needed[current] = true;
    }
  }
  std::vector<uint32_t> order;
  std::vector<bool> placed(count, false);
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t s = 0; s < count; ++s) {
      const auto& mux = message.signals[s].multiplexor;
      if (needed[s] && !placed[s] && (!mux || placed[*mux])) {
        placed[s] = true;
        order.push_back(static_cast<uint32_t>(s));
        progress = true;
      }
    }
  }
  return order;
}

class PlanBuilder {
 public:
  PlanBuilder(std::span<const Database> buses, const std::set<SignalPos>& chosen)
      : buses_(buses), chosen_(chosen) {}

  Result<DecoderPlan> build() {
    plan_.buses.resize(buses_.size());
    for (size_t b = 0; b < buses_.size(); ++b) {
      for (size_t m = 0; m < buses_[b].messages.size(); ++m) {
        if (auto added = add_message(b, m); !added) {
          return tl::unexpected(added.error());
        }
      }
      sort_extended(plan_.buses[b]);
    }
    return std::move(plan_);
  }

 private:
  Result<void> add_message(size_t b, size_t m) {
    const Database& db = buses_[b];
    const Message& message = db.messages[m];
    const std::string where = fmt::format(
        "{} message {} (0x{:X})",
        message.source < db.sources.size() ? db.sources[message.source] : fmt::format("bus {}", b),
        message.name, message.id & CanFrame::kEffMask);
    if (plan_.messages.size() >= std::numeric_limits<uint16_t>::max()) {
      return fail(ErrorCode::kMalformed, "{}: more than 65535 messages", where);
    }
    std::vector<bool> selected(message.signals.size());
    for (size_t s = 0; s < selected.size(); ++s) {
      selected[s] = chosen_.count({b, m, s}) != 0;
    }
    auto order = order_signals(message, selected, where);
    if (!order) {
      return tl::unexpected(order.error());
    }
    MessagePlan mp;
    mp.first_op = static_cast<uint32_t>(plan_.ops.size());
    mp.flags = MessagePlan::kFast;
    std::vector<uint8_t> slot_of(message.signals.size(), kNoMuxSlot);
    for (uint32_t s : *order) {
      DecodeOp op;
      OpLayout layout;
      if (auto ok = compile_op(message, s, where, slot_of, op, layout); !ok) {
        return tl::unexpected(ok.error());
      }
      const bool fast_kind = op.kind == OpKind::kUnsignedInteger ||
                             op.kind == OpKind::kSignedInteger || op.kind == OpKind::kDouble;
      if (layout.selector_slot != kNoMuxSlot || layout.own_slot != kNoMuxSlot) {
        mp.flags = MessagePlan::kMultiplexed;
      } else if (!layout.fast || !fast_kind) {
        mp.flags = static_cast<uint8_t>(mp.flags & ~MessagePlan::kFast);
      }
      op.signal = selected[s] ? add_signal(b, message, message.signals[s], op.kind) : kHiddenSignal;
      op.sample_kind = sample_kind_of(op.kind);
      mp.emit_count = static_cast<uint16_t>(mp.emit_count + (selected[s] ? 1 : 0));
      mp.needed_len = std::max(mp.needed_len, layout.needed_len);
      plan_.ops.push_back(op);
      plan_.layouts.push_back(layout);
    }
    mp.op_count = static_cast<uint16_t>(plan_.ops.size() - mp.first_op);
    plan_.max_samples_per_frame = std::max<size_t>(plan_.max_samples_per_frame, mp.emit_count);
    const auto index = static_cast<uint16_t>(plan_.messages.size() + 1);
    plan_.messages.push_back(mp);
    BusPlan& bus = plan_.buses[b];
    if ((message.id & CanFrame::kEffFlag) != 0) {
      bus.extended_ids.push_back(message.id);
      bus.extended_messages.push_back(index);
    } else if (message.id < BusPlan::kStandardIds) {
      bus.standard[message.id] = index;
    } else {
      return fail(ErrorCode::kMalformed, "{}: standard identifier above 0x7FF", where);
    }
    return {};
  }

  // One signal's op and layout; multiplexors get the next slot in `slot_of`.
  Result<void> compile_op(const Message& message, uint32_t s, const std::string& where,
                          std::vector<uint8_t>& slot_of, DecodeOp& op, OpLayout& layout) {
    const Signal& signal = message.signals[s];
    const std::string signal_where =
        fmt::format("{}:{}: signal {}", where, signal.line, signal.name);
    if (auto ok = compile_layout(signal, signal_where, op, layout); !ok) {
      return ok;
    }
    if (auto ok = compile_scaling(signal, signal_where, op); !ok) {
      return ok;
    }
    if (signal.is_multiplexor) {
      const auto used = static_cast<size_t>(
          std::count_if(slot_of.begin(), slot_of.end(), [](uint8_t x) { return x != kNoMuxSlot; }));
      if (used == kMaxMuxSlots) {
        return fail(ErrorCode::kMalformed, "{}: more than {} multiplexors", where, kMaxMuxSlots);
      }
      slot_of[s] = static_cast<uint8_t>(used);
      layout.own_slot = slot_of[s];
    }
    if (signal.multiplexor) {
      layout.selector_slot = slot_of[*signal.multiplexor];
      if (layout.selector_slot == kNoMuxSlot) {
        return fail(ErrorCode::kMalformed, "{}: its multiplexor {} is not marked as one",
                    signal_where, message.signals[*signal.multiplexor].name);
      }
      layout.first_range = static_cast<uint32_t>(plan_.mux_ranges.size());
      layout.range_count = static_cast<uint32_t>(signal.mux_values.size());
      plan_.mux_ranges.insert(plan_.mux_ranges.end(), signal.mux_values.begin(),
                              signal.mux_values.end());
    }
    return {};
  }

  uint32_t add_signal(size_t b, const Message& message, const Signal& signal, OpKind kind) {
    SignalInfo info;
    info.bus = static_cast<uint16_t>(b);
    info.message_id = message.id;
    info.message_name = message.name;
    info.name = signal.name;
    info.unit = signal.unit;
    info.kind = sample_kind_of(kind);
    info.value_type = signal.value_type;
    info.factor = signal.factor;
    info.offset = signal.offset;
    info.minimum = signal.minimum;
    info.maximum = signal.maximum;
    info.choices = signal.choices;
    plan_.signals.push_back(std::move(info));
    return static_cast<uint32_t>(plan_.signals.size() - 1);
  }

  static void sort_extended(BusPlan& bus) {
    std::vector<std::pair<uint32_t, uint16_t>> pairs;
    for (size_t i = 0; i < bus.extended_ids.size(); ++i) {
      pairs.emplace_back(bus.extended_ids[i], bus.extended_messages[i]);
    }
    std::sort(pairs.begin(), pairs.end());
    for (size_t i = 0; i < pairs.size(); ++i) {
      bus.extended_ids[i] = pairs[i].first;
      bus.extended_messages[i] = pairs[i].second;
    }
  }

  std::span<const Database> buses_;
  const std::set<SignalPos>& chosen_;
  DecoderPlan plan_;
};

}  // namespace

Result<DecoderPlan> compile_decoder_plan(std::span<const Database> buses,
                                         const SignalSelection& selection) {
  if (buses.size() > std::numeric_limits<uint16_t>::max()) {
    return fail(ErrorCode::kMalformed, "{} buses: at most 65535", buses.size());
  }
  auto chosen = resolve_selection(buses, selection);
  if (!chosen) {
    return tl::unexpected(chosen.error());
  }
  return PlanBuilder(buses, *chosen).build();
}

}  // namespace autograph::can
