// DbcReader: reads the statements of one DBC file into a Database. It dispatches on each
// statement's keyword, reads the simple statements itself (VERSION, NS_, BS_, BU_, CM_, VAL_,
// VAL_TABLE_, SIG_VALTYPE_, BO_TX_BU_) and hands messages, signals and attributes to their
// readers. Statements it has no use for (SIG_GROUP_, EV_, ENVVAR_DATA_, CAT_, BA_DEF_REL_...)
// are skipped up to their ';'.
//
// Private to can/; the public entry point is parse_dbc (dbc_parser.hpp). Use once. One thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autograph/can/dbc.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/result.hpp"
#include "dbc_attribute_reader.hpp"
#include "dbc_cursor.hpp"
#include "dbc_message_reader.hpp"
#include "dbc_message_table.hpp"

namespace autograph::can {

class DbcReader {
 public:
  // `text` is UTF-8; `source` names it in errors. Both must outlive the reader.
  DbcReader(std::string_view text, std::string_view source, const DbcParseOptions& options);
  DbcReader(const DbcReader&) = delete;
  DbcReader& operator=(const DbcReader&) = delete;

  // The database, or the first error as "<source>:<line>:<column>: expected X, found Y".
  [[nodiscard]] Result<Database> read() &&;

 private:
  using Choices = std::vector<std::pair<int64_t, std::string>>;

  [[nodiscard]] Result<void> read_statement(std::string_view keyword, DbcCursor::Position at);
  [[nodiscard]] Result<void> read_new_symbols();
  [[nodiscard]] Result<void> read_bit_timing();
  [[nodiscard]] Result<void> read_nodes();
  [[nodiscard]] Result<void> read_comment();
  // Where the comment on message `id` (signal `signal`, or the message itself when empty)
  // goes, or nullptr when there is no such message or signal.
  std::string* comment_of(uint64_t id, std::string_view signal);
  [[nodiscard]] Result<void> read_signal_choices();
  [[nodiscard]] Result<void> read_value_table();
  // Value/description pairs up to ';', or up to the end of the line when the ';' is missing
  // (Toyota RAV4 vehicle.dbc has a VAL_ without it).
  [[nodiscard]] Result<void> read_choice_pairs(Choices& choices);
  [[nodiscard]] Result<void> read_value_type();
  [[nodiscard]] Result<void> read_extra_transmitters();

  Database database_;
  std::string_view source_;
  DbcCursor cursor_;
  DbcMessageTable table_;
  DbcMessageReader messages_;
  DbcAttributeReader attributes_;
  Message* current_ = nullptr;  // the message of the last BO_, while SG_ statements follow it
};

}  // namespace autograph::can
