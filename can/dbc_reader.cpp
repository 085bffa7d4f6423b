#include "dbc_reader.hpp"

#include <string>

namespace autograph::can {

DbcReader::DbcReader(std::string_view text, std::string_view source, const DbcParseOptions& options)
    : source_(source),
      cursor_(text, source),
      table_(database_),
      messages_(table_, options.allow_signals_past_length ? &database_.warnings : nullptr),
      attributes_(table_, database_.attributes) {}

Result<Database> DbcReader::read() && {
  while (!cursor_.at_end()) {
    const DbcCursor::Position at = cursor_.next_position();
    AG_DBC_ASSIGN(keyword, cursor_.name("a statement keyword (BO_, SG_, CM_, VAL_, ...)"));
    AG_DBC_TRY(read_statement(keyword, at));
  }
  AG_DBC_TRY(messages_.resolve_multiplexing(cursor_));
  attributes_.apply(database_);
  database_.sources.emplace_back(source_);
  return std::move(database_);
}

Result<void> DbcReader::read_statement(std::string_view keyword, DbcCursor::Position at) {
  if (keyword == "SG_") {
    if (current_ == nullptr) {
      return tl::unexpected(
          cursor_.error_at(at, "expected SG_ only after BO_ or SG_, found SG_ outside a message"));
    }
    return messages_.read_signal(cursor_, at, *current_);
  }
  current_ = nullptr;
  if (keyword == "BO_") {
    AG_DBC_ASSIGN(message, messages_.read_message(cursor_, at, 0));
    current_ = message;
    return {};
  }
  if (keyword == "VERSION") {
    AG_DBC_ASSIGN(version, cursor_.quoted("version in double quotes"));
    database_.version = std::move(version);
    return {};
  }
  if (keyword == "NS_") {
    return read_new_symbols();
  }
  if (keyword == "BS_") {
    return read_bit_timing();
  }
  if (keyword == "BU_") {
    return read_nodes();
  }
  if (keyword == "CM_") {
    return read_comment();
  }
  if (keyword == "VAL_") {
    return read_signal_choices();
  }
  if (keyword == "VAL_TABLE_") {
    return read_value_table();
  }
  if (keyword == "SIG_VALTYPE_") {
    return read_value_type();
  }
  if (keyword == "BO_TX_BU_") {
    return read_extra_transmitters();
  }
  if (keyword == "SG_MUL_VAL_") {
    return messages_.read_mux_values(cursor_);
  }
  if (keyword == "BA_DEF_") {
    return attributes_.read_definition(cursor_);
  }
  if (keyword == "BA_DEF_DEF_") {
    return attributes_.read_default(cursor_);
  }
  if (keyword == "BA_") {
    return attributes_.read_value(cursor_);
  }
  return cursor_.skip_statement(keyword, at);
}

Result<void> DbcReader::read_new_symbols() {
  // The list is the indented names after "NS_ :"; the next unindented line ends it, and so
  // does BS_, BU_ or BO_ even when indented: those are never new symbols.
  AG_DBC_TRY(cursor_.expect(':', "':' after NS_"));
  while (!cursor_.at_end() && !cursor_.next_at_column_one()) {
    DbcCursor probe = cursor_;
    AG_DBC_ASSIGN(symbol, probe.name("a symbol name in the NS_ list"));
    if (symbol == "BS_" || symbol == "BU_" || symbol == "BO_") {
      break;
    }
    cursor_ = probe;
  }
  return {};
}

Result<void> DbcReader::read_bit_timing() {
  AG_DBC_TRY(cursor_.expect(':', "':' after BS_"));
  cursor_.skip_blanks();
  if (cursor_.at_line_end()) {
    return {};
  }
  AG_DBC_TRY(cursor_.unsigned_integer("baud rate"));
  if (cursor_.accept(':')) {
    AG_DBC_TRY(cursor_.unsigned_integer("BTR1"));
    AG_DBC_TRY(cursor_.expect(',', "',' after BTR1"));
    AG_DBC_TRY(cursor_.unsigned_integer("BTR2"));
  }
  return {};
}

Result<void> DbcReader::read_nodes() {
  AG_DBC_TRY(cursor_.expect(':', "':' after BU_"));
  for (;;) {
    cursor_.skip_blanks();
    if (cursor_.at_line_end()) {
      return {};
    }
    AG_DBC_ASSIGN(node, cursor_.name("node name"));
    database_.nodes.emplace_back(node);
  }
}

Result<void> DbcReader::read_comment() {
  // Comments are documentation: one on a message or signal that is not defined (VW MQB, RAV4),
  // or on a signal whose name is missing (Honda), is read and dropped instead of failing.
  std::string* into = nullptr;
  if (cursor_.next_is_number()) {  // "CM_ <id> ..." without BO_ (Hyundai CAN FD)
    AG_DBC_ASSIGN(id, cursor_.unsigned_integer("message id"));
    into = comment_of(id, {});
  } else if (cursor_.peek() != '"') {
    const DbcCursor::Position at = cursor_.next_position();
    AG_DBC_ASSIGN(object, cursor_.name("BU_, BO_, SG_, EV_ or a comment in double quotes"));
    if (object == "BO_" || object == "SG_") {
      AG_DBC_ASSIGN(id, cursor_.unsigned_integer("message id"));
      std::string_view signal;
      if (object == "SG_" && cursor_.peek() != '"') {
        AG_DBC_ASSIGN(name, cursor_.name("signal name"));
        signal = name;
      }
      into = object == "SG_" && signal.empty() ? nullptr : comment_of(id, signal);
    } else if (object == "BU_" || object == "EV_") {
      AG_DBC_TRY(cursor_.name(object == "BU_" ? "node name" : "environment variable name"));
    } else {
      return tl::unexpected(cursor_.error_at(
          at, fmt::format("expected BU_, BO_, SG_, EV_ or a comment in double quotes, found '{}'",
                          object)));
    }
  }
  AG_DBC_ASSIGN(text, cursor_.quoted("comment in double quotes"));
  AG_DBC_TRY(cursor_.expect(';', "';' after the comment"));
  if (into != nullptr) {
    *into = std::move(text);
  }
  return {};
}

std::string* DbcReader::comment_of(uint64_t id, std::string_view signal) {
  Message* message = id <= UINT32_MAX ? table_.find(static_cast<uint32_t>(id)) : nullptr;
  if (message == nullptr || signal.empty()) {
    return message == nullptr ? nullptr : &message->comment;
  }
  for (Signal& candidate : message->signals) {
    if (candidate.name == signal) {
      return &candidate.comment;
    }
  }
  return nullptr;
}

Result<void> DbcReader::read_signal_choices() {
  Choices choices;
  if (cursor_.next_is_name()) {  // an environment variable's values: read, then dropped
    AG_DBC_TRY(cursor_.name("environment variable name"));
    return read_choice_pairs(choices);
  }
  AG_DBC_ASSIGN(target, table_.read_signal(cursor_));
  Signal& signal = target.first->signals[target.second];
  if (cursor_.next_is_name() && !cursor_.next_first_on_line()) {
    const DbcCursor::Position at = cursor_.next_position();
    AG_DBC_ASSIGN(table_name, cursor_.name("value table name"));
    const auto table = database_.value_tables.find(std::string(table_name));
    if (table == database_.value_tables.end()) {
      return tl::unexpected(cursor_.error_at(
          at, fmt::format("expected a value table defined by VAL_TABLE_, found '{}'", table_name)));
    }
    signal.choices = table->second;
    return cursor_.expect(';', "';' after the value table name");
  }
  AG_DBC_TRY(read_choice_pairs(choices));
  signal.choices = std::move(choices);
  return {};
}

Result<void> DbcReader::read_value_table() {
  AG_DBC_ASSIGN(name, cursor_.name("value table name"));
  Choices choices;
  AG_DBC_TRY(read_choice_pairs(choices));
  database_.value_tables[std::string(name)] = std::move(choices);
  return {};
}

Result<void> DbcReader::read_choice_pairs(Choices& choices) {
  for (;;) {
    if (cursor_.accept(';')) {
      return {};
    }
    if (cursor_.at_end() || (cursor_.next_is_name() && cursor_.next_first_on_line())) {
      return {};  // the ';' is missing at the end of the line
    }
    AG_DBC_ASSIGN(value, cursor_.integer("an integer value, its description or ';'"));
    AG_DBC_ASSIGN(text, cursor_.quoted("value description in double quotes"));
    choices.emplace_back(value, std::move(text));
  }
}

Result<void> DbcReader::read_value_type() {
  AG_DBC_ASSIGN(target, table_.read_signal(cursor_));
  Signal& signal = target.first->signals[target.second];
  cursor_.accept(':');
  const DbcCursor::Position at = cursor_.next_position();
  AG_DBC_ASSIGN(type, cursor_.one_of("012", "value type 0 (integer), 1 (float32) or 2 (float64)"));
  AG_DBC_TRY(cursor_.expect(';', "';' after the value type"));
  if (type == '0') {
    return {};
  }
  const uint16_t length = type == '1' ? 32 : 64;
  if (signal.length != length) {
    return tl::unexpected(cursor_.error_at(
        at, fmt::format("expected a {}-bit signal for value type {} (float{}), found '{}' of {} "
                        "bits",
                        length, type, length, signal.name, signal.length)));
  }
  signal.value_type = type == '1' ? ValueType::kFloat32 : ValueType::kFloat64;
  return {};
}

Result<void> DbcReader::read_extra_transmitters() {
  AG_DBC_ASSIGN(message, table_.read_message(cursor_));
  AG_DBC_TRY(cursor_.expect(':', "':' after the message id"));
  while (cursor_.next_is_name()) {
    AG_DBC_ASSIGN(node, cursor_.name("transmitter node name"));
    message->extra_transmitters.emplace_back(node);
    if (!cursor_.accept(',')) {
      break;
    }
  }
  return cursor_.expect(';', "',' or ';' after the transmitter node name");
}

}  // namespace autograph::can
