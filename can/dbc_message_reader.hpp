// DbcMessageReader: reads BO_ and SG_ statements and the multiplexing they describe (M, m<k>,
// m<k>M, SG_MUL_VAL_), and checks that every signal fits its message.
//
// Private to can/. Multiplexors are resolved once the whole file is read, because SG_MUL_VAL_
// statements come after the messages they refine. One thread.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "autograph/can/dbc.hpp"
#include "autograph/result.hpp"
#include "dbc_cursor.hpp"
#include "dbc_message_table.hpp"

namespace autograph::can {

class DbcMessageReader {
 public:
  // With `warnings`, a signal past its message's length but inside 64 bytes adds a warning
  // there instead of failing (DbcParseOptions::allow_signals_past_length).
  DbcMessageReader(DbcMessageTable& table, std::vector<std::string>* warnings) noexcept
      : table_(table), warnings_(warnings) {}

  // Reads a BO_ statement after its keyword (at `keyword_at`) and adds the message to the
  // table; returns it, to receive the SG_ statements that follow.
  [[nodiscard]] Result<Message*> read_message(DbcCursor& cursor, DbcCursor::Position keyword_at,
                                              uint32_t source);

  // Reads an SG_ statement after its keyword and appends the signal to `message`. Fails when
  // the signal does not fit the message (pseudo messages excepted: no frame carries them).
  [[nodiscard]] Result<void> read_signal(DbcCursor& cursor, DbcCursor::Position keyword_at,
                                         Message& message);

  // Reads an SG_MUL_VAL_ statement after its keyword.
  [[nodiscard]] Result<void> read_mux_values(DbcCursor& cursor);

  // Sets Signal::multiplexor of every multiplexed signal; call once after the last statement.
  // Fails when a multiplexed signal has no multiplexor to refer to, or when multiplexors form
  // a cycle.
  [[nodiscard]] Result<void> resolve_multiplexing(const DbcCursor& cursor);

  // True when a BO_ number is a CAN identifier: up to 0x7FF, or with bit 31 up to 29 bits.
  static bool is_can_identifier(uint32_t number) noexcept;

 private:
  struct Multiplexed {
    uint32_t message_id = 0;
    uint32_t signal = 0;
    DbcCursor::Position at;        // of the m<k> indicator
    bool explicit_values = false;  // SG_MUL_VAL_ named the multiplexor
  };

  [[nodiscard]] Result<void> read_indicator(DbcCursor& cursor, Signal& signal);
  [[nodiscard]] Result<void> read_layout(DbcCursor& cursor, const Message& message, Signal& signal);
  [[nodiscard]] Result<void> read_ranges(DbcCursor& cursor, Signal& signal, bool replace);
  [[nodiscard]] Result<void> check_cycles(const DbcCursor& cursor) const;

  static uint64_t multiplexed_key(uint32_t message_id, uint32_t signal) noexcept {
    return (uint64_t{message_id} << 32) | signal;
  }

  DbcMessageTable& table_;
  std::vector<std::string>* warnings_;
  std::vector<Multiplexed> multiplexed_;                    // in file order
  std::unordered_map<uint64_t, size_t> multiplexed_index_;  // multiplexed_key -> multiplexed_
};

}  // namespace autograph::can
