#include "dbc_message_table.hpp"

#include <utility>

namespace autograph::can {

Result<void> DbcMessageTable::add(Message message, bool pseudo, DbcCursor::Position at,
                                  const DbcCursor& cursor) {
  if (const Message* first = find(message.id); first != nullptr) {
    return tl::unexpected(cursor.error_at(
        at, fmt::format("expected a new message id, found {} ({:#x}) already used by '{}' at "
                        "line {}",
                        message.id, message.id, first->name, first->line)));
  }
  std::vector<Message>& into = pseudo ? database_.pseudo_messages : database_.messages;
  slots_.emplace(message.id, Slot{pseudo, static_cast<uint32_t>(into.size())});
  into.push_back(std::move(message));
  return {};
}

Message* DbcMessageTable::find(uint32_t number) noexcept {
  const auto slot = slots_.find(number);
  if (slot == slots_.end()) {
    return nullptr;
  }
  std::vector<Message>& in = slot->second.pseudo ? database_.pseudo_messages : database_.messages;
  return &in[slot->second.index];
}

Result<Message*> DbcMessageTable::read_message(DbcCursor& cursor) {
  const DbcCursor::Position at = cursor.next_position();
  const auto number = cursor.unsigned_integer("message id");
  if (!number) {
    return tl::unexpected(number.error());
  }
  Message* message = *number <= UINT32_MAX ? find(static_cast<uint32_t>(*number)) : nullptr;
  if (message == nullptr) {
    return tl::unexpected(cursor.error_at(
        at, fmt::format("expected the id of a message defined by BO_, found '{}'", *number)));
  }
  return message;
}

Result<std::pair<Message*, uint32_t>> DbcMessageTable::read_signal(DbcCursor& cursor) {
  const auto message = read_message(cursor);
  if (!message) {
    return tl::unexpected(message.error());
  }
  const DbcCursor::Position at = cursor.next_position();
  const auto name = cursor.name("signal name");
  if (!name) {
    return tl::unexpected(name.error());
  }
  const auto index = signal_index(**message, *name, at, cursor);
  if (!index) {
    return tl::unexpected(index.error());
  }
  return std::pair<Message*, uint32_t>(*message, *index);
}

Result<void> DbcMessageTable::add_signal(Message& message, Signal signal, DbcCursor::Position at,
                                         const DbcCursor& cursor) {
  const auto index = static_cast<uint32_t>(message.signals.size());
  const auto [slot, added] = signal_slots_[message.id].emplace(signal.name, index);
  if (!added) {
    return tl::unexpected(cursor.error_at(
        at, fmt::format("expected a new signal name in message '{}', found '{}' already "
                        "defined at line {}",
                        message.name, signal.name, message.signals[slot->second].line)));
  }
  message.signals.push_back(std::move(signal));
  return {};
}

Result<uint32_t> DbcMessageTable::signal_index(const Message& message, std::string_view name,
                                               DbcCursor::Position at, const DbcCursor& cursor) {
  if (const auto slots = signal_slots_.find(message.id); slots != signal_slots_.end()) {
    if (const auto slot = slots->second.find(name); slot != slots->second.end()) {
      return slot->second;
    }
  }
  return tl::unexpected(
      cursor.error_at(at, fmt::format("expected a signal of message '{}' ({:#x}), found '{}'",
                                      message.name, message.id, name)));
}

}  // namespace autograph::can
