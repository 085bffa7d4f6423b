// DbcAttributeReader: reads attribute definitions (BA_DEF_), their defaults (BA_DEF_DEF_) and
// values (BA_), and applies the two that the decoder needs: VFrameFormat (Message::fd) and
// GenMsgCycleTime (Message::cycle_time_ms).
//
// Private to can/. Definitions and defaults are kept in Database::attributes; other values are
// checked and dropped. VFrameFormat sets only Message::fd (its label ends in "_FD"): whether an
// identifier is extended is bit 31 of the BO_ number alone, because files such as Ford's
// default VFrameFormat to ExtendedCAN_FD for messages that have 11-bit identifiers. One thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "autograph/can/dbc.hpp"
#include "autograph/result.hpp"
#include "dbc_cursor.hpp"
#include "dbc_message_table.hpp"

namespace autograph::can {

class DbcAttributeReader {
 public:
  DbcAttributeReader(DbcMessageTable& table, std::vector<AttributeDefinition>& definitions)
      : table_(table), definitions_(definitions) {}

  // Reads a BA_DEF_ statement after its keyword. Fails on a second definition of a name.
  [[nodiscard]] Result<void> read_definition(DbcCursor& cursor);
  // Reads a BA_DEF_DEF_ statement after its keyword; the attribute must be defined before.
  [[nodiscard]] Result<void> read_default(DbcCursor& cursor);
  // Reads a BA_ statement after its keyword; the attribute and its object must exist.
  [[nodiscard]] Result<void> read_value(DbcCursor& cursor);

  // Sets Message::fd and Message::cycle_time_ms of every message (real and pseudo) from the
  // values read, or else from the defaults. Call once after the last statement.
  void apply(Database& database) const;

 private:
  [[nodiscard]] Result<AttributeValue> read_any_value(DbcCursor& cursor);
  [[nodiscard]] Result<AttributeDefinition*> read_defined_name(DbcCursor& cursor);
  // What a value of VFrameFormat or GenMsgCycleTime means; fails for values out of range.
  [[nodiscard]] Result<bool> frame_format_is_fd(const AttributeDefinition& definition,
                                                const AttributeValue& value, DbcCursor::Position at,
                                                const DbcCursor& cursor) const;
  [[nodiscard]] Result<uint32_t> cycle_time(const AttributeValue& value, DbcCursor::Position at,
                                            const DbcCursor& cursor) const;
  // Reads the BU_/BO_/SG_/EV_ object of a BA_; returns the message id for BO_, else nullopt.
  [[nodiscard]] Result<std::optional<uint32_t>> read_object(DbcCursor& cursor,
                                                            AttributeDefinition::Object& object);

  DbcMessageTable& table_;
  std::vector<AttributeDefinition>& definitions_;
  std::unordered_map<std::string, size_t> definition_index_;  // name -> index in definitions_
  std::optional<bool> default_fd_;
  std::optional<uint32_t> default_cycle_time_;
  std::unordered_map<uint32_t, bool> fd_;                 // message id -> VFrameFormat is FD
  std::unordered_map<uint32_t, uint32_t> cycle_time_ms_;  // message id -> GenMsgCycleTime
};

}  // namespace autograph::can
