// DbcMessageTable: the messages of the DBC file being parsed, found by their BO_ number.
//
// Private to can/. Statements after a BO_ (CM_, VAL_, BA_, SG_MUL_VAL_, ...) name a message by
// the number written in the file, which equals Message::id (bit 31 is CanFrame::kEffFlag) for
// real and pseudo messages alike. The table owns nothing: it indexes the `messages` and
// `pseudo_messages` of a Database that must outlive it. One thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "autograph/can/dbc.hpp"
#include "autograph/result.hpp"
#include "dbc_cursor.hpp"

namespace autograph::can {

class DbcMessageTable {
 public:
  explicit DbcMessageTable(Database& database) noexcept : database_(database) {}

  // Adds `message` (to pseudo_messages when `pseudo`), or fails when its number is already
  // taken, naming the line of the first definition. `at` is where its number was written.
  [[nodiscard]] Result<void> add(Message message, bool pseudo, DbcCursor::Position at,
                                 const DbcCursor& cursor);

  // The message with this BO_ number, or nullptr.
  Message* find(uint32_t number) noexcept;

  // Reads a BO_ number and returns its message, or fails when there is none.
  [[nodiscard]] Result<Message*> read_message(DbcCursor& cursor);

  // Reads a BO_ number and a signal name; returns the message and the signal's index in it.
  [[nodiscard]] Result<std::pair<Message*, uint32_t>> read_signal(DbcCursor& cursor);

  // Appends `signal` to `message` (which this table holds), or fails when `message` has a
  // signal of that name already. `at` is where the name was written.
  [[nodiscard]] Result<void> add_signal(Message& message, Signal signal, DbcCursor::Position at,
                                        const DbcCursor& cursor);

  // The index of the signal `name` in `message`, or fails at `at`.
  [[nodiscard]] Result<uint32_t> signal_index(const Message& message, std::string_view name,
                                              DbcCursor::Position at, const DbcCursor& cursor);

 private:
  struct Slot {
    bool pseudo = false;
    uint32_t index = 0;
  };
  // Lets the signal maps be searched with a string_view.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };
  using SignalSlots = std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>>;

  Database& database_;
  std::unordered_map<uint32_t, Slot> slots_;
  // Message id -> signal name -> index in Message::signals, so that files with thousands of
  // signal references (Ford: 7,000 BA_) are read in linear time.
  std::unordered_map<uint32_t, SignalSlots> signal_slots_;
};

}  // namespace autograph::can
