#include "dbc_attribute_reader.hpp"

#include <cmath>
#include <string>
#include <utility>

namespace autograph::can {
namespace {

using Object = AttributeDefinition::Object;
using Kind = AttributeDefinition::Kind;

constexpr std::string_view kFrameFormat = "VFrameFormat";
constexpr std::string_view kCycleTime = "GenMsgCycleTime";

// VFrameFormat values when it is not an ENUM: the indices Vector's enum gives these kinds.
constexpr int64_t kStandardFdIndex = 14;
constexpr int64_t kExtendedFdIndex = 15;

std::optional<Object> object_of(std::string_view keyword) noexcept {
  if (keyword == "BU_") {
    return Object::kNode;
  }
  if (keyword == "BO_") {
    return Object::kMessage;
  }
  if (keyword == "SG_") {
    return Object::kSignal;
  }
  if (keyword == "EV_") {
    return Object::kEnvVar;
  }
  return std::nullopt;
}

std::optional<Kind> kind_of(std::string_view keyword) noexcept {
  if (keyword == "INT") {
    return Kind::kInt;
  }
  if (keyword == "HEX") {
    return Kind::kHex;
  }
  if (keyword == "FLOAT") {
    return Kind::kFloat;
  }
  if (keyword == "STRING") {
    return Kind::kString;
  }
  if (keyword == "ENUM") {
    return Kind::kEnum;
  }
  return std::nullopt;
}

std::string_view object_name(Object object) noexcept {
  switch (object) {
    case Object::kNetwork:
      return "the network (no object)";
    case Object::kNode:
      return "BU_ <node>";
    case Object::kMessage:
      return "BO_ <message id>";
    case Object::kSignal:
      return "SG_ <message id> <signal>";
    case Object::kEnvVar:
      return "EV_ <variable>";
  }
  return "?";
}

std::string describe(const AttributeValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    return fmt::format("\"{}\"", *text);
  }
  if (const auto* integer = std::get_if<int64_t>(&value)) {
    return fmt::format("{}", *integer);
  }
  return fmt::format("{}", std::get<double>(value));
}

bool is_message_attribute(const AttributeDefinition& definition, std::string_view name) {
  return definition.object == Object::kMessage && definition.name == name;
}

}  // namespace

Result<void> DbcAttributeReader::read_definition(DbcCursor& cursor) {
  AttributeDefinition definition;
  if (cursor.next_is_name()) {
    const DbcCursor::Position at = cursor.next_position();
    AG_DBC_ASSIGN(keyword, cursor.name("object type"));
    const std::optional<Object> object = object_of(keyword);
    if (!object) {
      return tl::unexpected(cursor.error_at(
          at, fmt::format("expected BU_, BO_, SG_, EV_ or an attribute name in double quotes, "
                          "found '{}'",
                          keyword)));
    }
    definition.object = *object;
  }
  const DbcCursor::Position name_at = cursor.next_position();
  AG_DBC_ASSIGN(name, cursor.quoted("attribute name in double quotes"));
  if (definition_index_.contains(name)) {
    return tl::unexpected(cursor.error_at(
        name_at, fmt::format("expected a new attribute name, found '{}' defined before", name)));
  }
  definition.name = std::move(name);
  const DbcCursor::Position kind_at = cursor.next_position();
  constexpr std::string_view kKinds = "attribute type INT, HEX, FLOAT, STRING or ENUM";
  AG_DBC_ASSIGN(kind_name, cursor.name(kKinds));
  const std::optional<Kind> kind = kind_of(kind_name);
  if (!kind) {
    return tl::unexpected(
        cursor.error_at(kind_at, fmt::format("expected {}, found '{}'", kKinds, kind_name)));
  }
  definition.kind = *kind;
  if (*kind == Kind::kInt || *kind == Kind::kHex || *kind == Kind::kFloat) {
    AG_DBC_TRY(cursor.real("attribute minimum"));
    AG_DBC_TRY(cursor.real("attribute maximum"));
  } else if (*kind == Kind::kEnum && cursor.peek() == '"') {
    do {
      AG_DBC_ASSIGN(label, cursor.quoted("enum label in double quotes"));
      definition.enum_values.push_back(std::move(label));
    } while (cursor.accept(','));
  }
  AG_DBC_TRY(cursor.expect(';', "';' after the attribute definition"));
  definition_index_.emplace(definition.name, definitions_.size());
  definitions_.push_back(std::move(definition));
  return {};
}

Result<AttributeDefinition*> DbcAttributeReader::read_defined_name(DbcCursor& cursor) {
  const DbcCursor::Position at = cursor.next_position();
  AG_DBC_ASSIGN(name, cursor.quoted("attribute name in double quotes"));
  if (const auto index = definition_index_.find(name); index != definition_index_.end()) {
    return &definitions_[index->second];
  }
  return tl::unexpected(cursor.error_at(
      at, fmt::format("expected an attribute defined by BA_DEF_, found '{}'", name)));
}

Result<AttributeValue> DbcAttributeReader::read_any_value(DbcCursor& cursor) {
  if (cursor.peek() == '"') {
    AG_DBC_ASSIGN(text, cursor.quoted("attribute value"));
    return AttributeValue(std::move(text));
  }
  DbcCursor probe = cursor;
  if (auto integer = probe.integer("attribute value")) {
    cursor = probe;
    return AttributeValue(*integer);
  }
  AG_DBC_ASSIGN(real, cursor.real("attribute value (number or string)"));
  return AttributeValue(real);
}

Result<void> DbcAttributeReader::read_default(DbcCursor& cursor) {
  AG_DBC_ASSIGN(definition, read_defined_name(cursor));
  const DbcCursor::Position at = cursor.next_position();
  AG_DBC_ASSIGN(value, read_any_value(cursor));
  AG_DBC_TRY(cursor.expect(';', "';' after the attribute default"));
  if (is_message_attribute(*definition, kFrameFormat)) {
    AG_DBC_ASSIGN(fd, frame_format_is_fd(*definition, value, at, cursor));
    default_fd_ = fd;
  } else if (is_message_attribute(*definition, kCycleTime)) {
    AG_DBC_ASSIGN(cycle, cycle_time(value, at, cursor));
    default_cycle_time_ = cycle;
  }
  definition->default_value = std::move(value);
  return {};
}

Result<std::optional<uint32_t>> DbcAttributeReader::read_object(DbcCursor& cursor, Object& object) {
  object = Object::kNetwork;
  if (!cursor.next_is_name()) {
    return std::optional<uint32_t>();
  }
  const DbcCursor::Position at = cursor.next_position();
  AG_DBC_ASSIGN(keyword, cursor.name("object type"));
  const std::optional<Object> parsed = object_of(keyword);
  if (!parsed) {
    return tl::unexpected(cursor.error_at(
        at,
        fmt::format("expected BU_, BO_, SG_, EV_ or the attribute value, found '{}'", keyword)));
  }
  object = *parsed;
  if (object == Object::kMessage) {
    AG_DBC_ASSIGN(message, table_.read_message(cursor));
    return std::optional<uint32_t>(message->id);
  }
  if (object == Object::kSignal) {
    AG_DBC_TRY(table_.read_signal(cursor));
  } else {
    AG_DBC_TRY(cursor.name(object == Object::kNode ? "node name" : "environment variable name"));
  }
  return std::optional<uint32_t>();
}

Result<void> DbcAttributeReader::read_value(DbcCursor& cursor) {
  AG_DBC_ASSIGN(definition, read_defined_name(cursor));
  const DbcCursor::Position object_at = cursor.next_position();
  Object object = Object::kNetwork;
  AG_DBC_ASSIGN(message_id, read_object(cursor, object));
  if (object != definition->object) {
    return tl::unexpected(cursor.error_at(
        object_at,
        fmt::format("expected {} for attribute '{}', found {}", object_name(definition->object),
                    definition->name, object_name(object))));
  }
  const DbcCursor::Position at = cursor.next_position();
  AG_DBC_ASSIGN(value, read_any_value(cursor));
  AG_DBC_TRY(cursor.expect(';', "';' after the attribute value"));
  if (!message_id) {
    return {};
  }
  if (is_message_attribute(*definition, kFrameFormat)) {
    AG_DBC_ASSIGN(fd, frame_format_is_fd(*definition, value, at, cursor));
    fd_[*message_id] = fd;
  } else if (is_message_attribute(*definition, kCycleTime)) {
    AG_DBC_ASSIGN(cycle, cycle_time(value, at, cursor));
    cycle_time_ms_[*message_id] = cycle;
  }
  return {};
}

Result<bool> DbcAttributeReader::frame_format_is_fd(const AttributeDefinition& definition,
                                                    const AttributeValue& value,
                                                    DbcCursor::Position at,
                                                    const DbcCursor& cursor) const {
  if (const auto* label = std::get_if<std::string>(&value)) {
    return label->ends_with("_FD");
  }
  const auto* index = std::get_if<int64_t>(&value);
  if (index == nullptr) {
    return tl::unexpected(
        cursor.error_at(at, fmt::format("expected an integer or a label for {}, found {}",
                                        kFrameFormat, describe(value))));
  }
  if (definition.kind != Kind::kEnum) {
    return *index == kStandardFdIndex || *index == kExtendedFdIndex;
  }
  if (*index < 0 || static_cast<uint64_t>(*index) >= definition.enum_values.size()) {
    return tl::unexpected(cursor.error_at(
        at, fmt::format("expected a {} index of 0 to {}, found {}", kFrameFormat,
                        static_cast<int64_t>(definition.enum_values.size()) - 1, *index)));
  }
  return definition.enum_values[static_cast<size_t>(*index)].ends_with("_FD");
}

Result<uint32_t> DbcAttributeReader::cycle_time(const AttributeValue& value, DbcCursor::Position at,
                                                const DbcCursor& cursor) const {
  double number = -1;
  if (const auto* integer = std::get_if<int64_t>(&value)) {
    number = static_cast<double>(*integer);
  } else if (const auto* real = std::get_if<double>(&value)) {
    number = *real;
  }
  if (!(number >= 0 && number <= UINT32_MAX && std::floor(number) == number)) {
    return tl::unexpected(cursor.error_at(
        at,
        fmt::format("expected a {} of 0 to 4294967295 ms, found {}", kCycleTime, describe(value))));
  }
  return static_cast<uint32_t>(number);
}

void DbcAttributeReader::apply(Database& database) const {
  for (auto* messages : {&database.messages, &database.pseudo_messages}) {
    for (Message& message : *messages) {
      const auto fd = fd_.find(message.id);
      message.fd = fd != fd_.end() ? fd->second : default_fd_.value_or(false);
      const auto cycle = cycle_time_ms_.find(message.id);
      message.cycle_time_ms =
          cycle != cycle_time_ms_.end() ? std::optional(cycle->second) : default_cycle_time_;
    }
  }
}

}  // namespace autograph::can
