#include "dbc_message_reader.hpp"

#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

#include "autograph/can/can_frame.hpp"

namespace autograph::can {
namespace {

constexpr uint64_t kMaxMessageLength = CanFrame::kMaxFdLen;
constexpr uint64_t kMaxSignalLength = 64;
constexpr uint64_t kMaxStartBit = 8 * kMaxMessageLength - 1;

// Position of a Motorola bit counted from the frame's first bit in transmission order (byte 0
// bit 7 is 0), where the sawtooth numbering of a DBC is byte * 8 + bit-in-byte.
uint64_t motorola_linear(uint64_t sawtooth) noexcept {
  return (sawtooth / 8) * 8 + 7 - sawtooth % 8;
}

// Parses "m<k>" or "m<k>M" into k; false for anything else.
bool parse_multiplexed(std::string_view word, uint64_t& value, bool& also_multiplexor) noexcept {
  if (word.size() < 2 || word.front() != 'm') {
    return false;
  }
  word.remove_prefix(1);
  also_multiplexor = word.back() == 'M';
  if (also_multiplexor) {
    word.remove_suffix(1);
  }
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  return !word.empty() && error == std::errc() && end == word.data() + word.size();
}

}  // namespace

bool DbcMessageReader::is_can_identifier(uint32_t number) noexcept {
  if ((number & CanFrame::kEffFlag) != 0) {
    return (number & ~CanFrame::kEffFlag) <= CanFrame::kEffMask;
  }
  return number <= CanFrame::kSffMask;
}

Result<Message*> DbcMessageReader::read_message(DbcCursor& cursor, DbcCursor::Position keyword_at,
                                                uint32_t source) {
  Message message;
  message.line = keyword_at.line;
  message.source = source;
  const DbcCursor::Position id_at = cursor.next_position();
  AG_DBC_ASSIGN(number, cursor.unsigned_integer("message id (0 to 4294967295)"));
  if (number > UINT32_MAX) {
    return tl::unexpected(cursor.error_at(
        id_at, fmt::format("expected a message id of 0 to 4294967295, found {}", number)));
  }
  message.id = static_cast<uint32_t>(number);
  AG_DBC_ASSIGN(name, cursor.name("message name"));
  message.name = name;
  AG_DBC_TRY(cursor.expect(':', "':' after the message name"));
  const DbcCursor::Position length_at = cursor.next_position();
  AG_DBC_ASSIGN(length, cursor.unsigned_integer("message length in bytes"));
  if (length > kMaxMessageLength) {
    return tl::unexpected(cursor.error_at(
        length_at, fmt::format("expected a message length of 0 to 64 bytes, found {}", length)));
  }
  message.length = static_cast<uint16_t>(length);
  cursor.skip_blanks();
  if (cursor.at_line_end()) {
    return tl::unexpected(
        cursor.error_at(cursor.position(), "expected transmitter node name, found end of line"));
  }
  AG_DBC_ASSIGN(transmitter, cursor.name("transmitter node name"));
  message.transmitter = transmitter;
  const bool pseudo = !is_can_identifier(message.id);
  AG_DBC_TRY(table_.add(std::move(message), pseudo, id_at, cursor));
  return table_.find(static_cast<uint32_t>(number));
}

Result<void> DbcMessageReader::read_signal(DbcCursor& cursor, DbcCursor::Position keyword_at,
                                           Message& message) {
  Signal signal;
  signal.line = keyword_at.line;
  const DbcCursor::Position name_at = cursor.next_position();
  AG_DBC_ASSIGN(name, cursor.name("signal name"));
  signal.name = name;
  const uint32_t index = static_cast<uint32_t>(message.signals.size());
  const DbcCursor::Position indicator_at = cursor.next_position();
  if (cursor.peek() != ':') {
    AG_DBC_TRY(read_indicator(cursor, signal));
  }
  AG_DBC_TRY(cursor.expect(':', "':' after the signal name"));
  AG_DBC_TRY(read_layout(cursor, message, signal));
  AG_DBC_ASSIGN(unit, cursor.quoted("unit in double quotes"));
  signal.unit = std::move(unit);
  for (;;) {
    cursor.skip_blanks();
    if (cursor.at_line_end()) {
      break;
    }
    if (cursor.accept(',')) {
      continue;
    }
    AG_DBC_ASSIGN(receiver, cursor.name("receiver node name"));
    signal.receivers.emplace_back(receiver);
  }
  if (!signal.mux_values.empty()) {
    multiplexed_index_.emplace(multiplexed_key(message.id, index), multiplexed_.size());
    multiplexed_.push_back(Multiplexed{message.id, index, indicator_at, false});
  }
  return table_.add_signal(message, std::move(signal), name_at, cursor);
}

Result<void> DbcMessageReader::read_indicator(DbcCursor& cursor, Signal& signal) {
  constexpr std::string_view kWhat = "':' or a multiplexer indicator (M, m<k> or m<k>M)";
  if (!cursor.next_is_name()) {
    return tl::unexpected(cursor.expected(kWhat));
  }
  const DbcCursor::Position at = cursor.next_position();
  AG_DBC_ASSIGN(word, cursor.name(kWhat));
  uint64_t value = 0;
  bool also_multiplexor = false;
  if (word == "M") {
    signal.is_multiplexor = true;
  } else if (parse_multiplexed(word, value, also_multiplexor)) {
    signal.is_multiplexor = also_multiplexor;
    signal.mux_values.push_back(MuxRange{value, value});
  } else {
    return tl::unexpected(cursor.error_at(at, fmt::format("expected {}, found '{}'", kWhat, word)));
  }
  return {};
}

Result<void> DbcMessageReader::read_layout(DbcCursor& cursor, const Message& message,
                                           Signal& signal) {
  const DbcCursor::Position start_at = cursor.next_position();
  AG_DBC_ASSIGN(start, cursor.unsigned_integer("start bit"));
  AG_DBC_TRY(cursor.expect('|', "'|' after the start bit"));
  const DbcCursor::Position length_at = cursor.next_position();
  AG_DBC_ASSIGN(length, cursor.unsigned_integer("signal length in bits"));
  if (length == 0 || length > kMaxSignalLength) {
    return tl::unexpected(cursor.error_at(
        length_at, fmt::format("expected a signal length of 1 to 64 bits, found {}", length)));
  }
  AG_DBC_TRY(cursor.expect('@', "'@' before the byte order"));
  AG_DBC_ASSIGN(order, cursor.one_of("01", "byte order 0 (Motorola) or 1 (Intel)"));
  AG_DBC_ASSIGN(sign, cursor.one_of("+-", "'+' (unsigned) or '-' (signed)"));
  AG_DBC_TRY(cursor.expect('(', "'(' before the factor"));
  AG_DBC_ASSIGN(factor, cursor.real("factor"));
  AG_DBC_TRY(cursor.expect(',', "',' after the factor"));
  AG_DBC_ASSIGN(offset, cursor.real("offset"));
  AG_DBC_TRY(cursor.expect(')', "')' after the offset"));
  AG_DBC_TRY(cursor.expect('[', "'[' before the minimum"));
  AG_DBC_ASSIGN(minimum, cursor.real("minimum"));
  AG_DBC_TRY(cursor.expect('|', "'|' after the minimum"));
  AG_DBC_ASSIGN(maximum, cursor.real("maximum"));
  AG_DBC_TRY(cursor.expect(']', "']' after the maximum"));
  signal.byte_order = order == '1' ? ByteOrder::kLittleEndian : ByteOrder::kBigEndian;
  signal.value_type = sign == '+' ? ValueType::kUnsigned : ValueType::kSigned;
  signal.factor = factor;
  signal.offset = offset;
  signal.minimum = minimum;
  signal.maximum = maximum;
  signal.length = static_cast<uint16_t>(length);

  const bool intel = signal.byte_order == ByteOrder::kLittleEndian;
  const uint64_t last = intel ? start + length - 1 : motorola_linear(start) + length - 1;
  const uint64_t bits = uint64_t{8} * message.length;
  const bool checked = is_can_identifier(message.id);  // no frame carries a pseudo message
  if (start > kMaxStartBit || (checked && (start >= bits || last >= bits))) {
    Error error = cursor.error_at(
        start_at, fmt::format("expected signal '{}' within the {} bytes of message '{}', found "
                              "start bit {} length {} ({}, ends in byte {})",
                              signal.name, message.length, message.name, start, length,
                              intel ? "Intel" : "Motorola", last / 8));
    if (warnings_ == nullptr || start > kMaxStartBit || last > kMaxStartBit) {
      return tl::unexpected(std::move(error));
    }
    warnings_->push_back(error.message());
  }
  signal.start_bit = static_cast<uint16_t>(start);
  return {};
}

Result<void> DbcMessageReader::read_mux_values(DbcCursor& cursor) {
  const DbcCursor::Position signal_at = cursor.next_position();
  AG_DBC_ASSIGN(target, table_.read_signal(cursor));
  auto [message, index] = target;
  const DbcCursor::Position mux_at = cursor.next_position();
  AG_DBC_ASSIGN(mux_name, cursor.name("multiplexor signal name"));
  AG_DBC_ASSIGN(mux_index, table_.signal_index(*message, mux_name, mux_at, cursor));
  Signal& signal = message->signals[index];
  if (!message->signals[mux_index].is_multiplexor || mux_index == index) {
    return tl::unexpected(cursor.error_at(
        mux_at, fmt::format("expected a multiplexor signal (M or m<k>M) of message '{}', found "
                            "'{}'",
                            message->name, mux_name)));
  }
  const auto entry = multiplexed_index_.find(multiplexed_key(message->id, index));
  if (entry == multiplexed_index_.end()) {
    return tl::unexpected(cursor.error_at(
        signal_at, fmt::format("expected a multiplexed signal (m<k>), found '{}' of message "
                               "'{}' without m<k>",
                               signal.name, message->name)));
  }
  Multiplexed& multiplexed = multiplexed_[entry->second];
  if (multiplexed.explicit_values && signal.multiplexor != mux_index) {
    return tl::unexpected(cursor.error_at(
        mux_at, fmt::format("expected multiplexor '{}' for signal '{}' as before, found '{}'",
                            message->signals[*signal.multiplexor].name, signal.name, mux_name)));
  }
  const bool replace = !multiplexed.explicit_values;
  multiplexed.explicit_values = true;
  signal.multiplexor = mux_index;
  return read_ranges(cursor, signal, replace);
}

Result<void> DbcMessageReader::read_ranges(DbcCursor& cursor, Signal& signal, bool replace) {
  if (replace) {
    signal.mux_values.clear();
  }
  do {
    const DbcCursor::Position at = cursor.next_position();
    AG_DBC_ASSIGN(low, cursor.digits("multiplexor value range <low>-<high>"));
    AG_DBC_TRY(cursor.expect('-', "'-' in the multiplexor value range"));
    AG_DBC_ASSIGN(high, cursor.digits("upper end of the multiplexor value range"));
    if (low > high) {
      return tl::unexpected(cursor.error_at(
          at, fmt::format("expected a range with low <= high, found {}-{}", low, high)));
    }
    signal.mux_values.push_back(MuxRange{low, high});
  } while (cursor.accept(','));
  return cursor.expect(';', "',' or ';' after the multiplexor value range");
}

Result<void> DbcMessageReader::resolve_multiplexing(const DbcCursor& cursor) {
  // A simple m<k> refers to the message's one top-level multiplexor (M, not m<k>M).
  struct TopLevel {
    std::optional<uint32_t> index;
    size_t count = 0;
  };
  std::unordered_map<uint32_t, TopLevel> top_levels;  // message id -> its top-level multiplexors
  for (const Multiplexed& entry : multiplexed_) {
    if (entry.explicit_values) {
      continue;
    }
    Message& message = *table_.find(entry.message_id);
    auto [top_level, added] = top_levels.try_emplace(entry.message_id);
    for (uint32_t i = 0; added && i < message.signals.size(); ++i) {
      if (message.signals[i].is_multiplexor && message.signals[i].mux_values.empty()) {
        top_level->second.index = i;
        ++top_level->second.count;
      }
    }
    Signal& signal = message.signals[entry.signal];
    if (top_level->second.count != 1) {
      return tl::unexpected(cursor.error_at(
          entry.at,
          fmt::format("expected one multiplexor signal (M) in message '{}' for the multiplexed "
                      "signal '{}', found {} (SG_MUL_VAL_ names it when there are several)",
                      message.name, signal.name, top_level->second.count)));
    }
    signal.multiplexor = top_level->second.index;
  }
  return check_cycles(cursor);
}

Result<void> DbcMessageReader::check_cycles(const DbcCursor& cursor) const {
  // Every signal is walked once, so nested chains stay linear: kOnChain marks the chain being
  // walked, kRooted the signals already known to lead to a top-level multiplexor.
  constexpr uint8_t kUnseen = 0;
  constexpr uint8_t kOnChain = 1;
  constexpr uint8_t kRooted = 2;
  std::unordered_map<uint32_t, std::vector<uint8_t>> states;  // message id -> per signal
  std::vector<uint32_t> chain;
  for (const Multiplexed& entry : multiplexed_) {
    const Message& message = *table_.find(entry.message_id);
    std::vector<uint8_t>& state = states[entry.message_id];
    state.resize(message.signals.size(), kUnseen);
    chain.clear();
    std::optional<uint32_t> next = entry.signal;
    while (next.has_value() && state[*next] == kUnseen) {
      state[*next] = kOnChain;
      chain.push_back(*next);
      next = message.signals[*next].multiplexor;
    }
    if (next.has_value() && state[*next] == kOnChain) {
      return tl::unexpected(cursor.error_at(
          entry.at, fmt::format("expected multiplexors of message '{}' to form a tree, found "
                                "a cycle through signal '{}'",
                                message.name, message.signals[entry.signal].name)));
    }
    for (const uint32_t index : chain) {
      state[index] = kRooted;
    }
  }
  return {};
}

}  // namespace autograph::can
