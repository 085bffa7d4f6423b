// The parsed content of DBC files: messages, signals, multiplexing, value tables, attributes.
//
// This is the model the DBC parser (dbc_parser.hpp) produces and the decoder compiler
// (decoder.hpp) consumes. It keeps what the files say, unscaled and unvalidated beyond what
// parsing guarantees; nothing here is used per frame. Identifiers use CanFrame's convention:
// `Message::id` has CanFrame::kEffFlag set for extended (29-bit) messages, which in a DBC is
// bit 31 of the BO_ number and nothing else (a VFrameFormat attribute never changes it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace autograph::can {

enum class ByteOrder : uint8_t {
  kLittleEndian,  // "@1", Intel: start bit is the least significant bit
  kBigEndian,     // "@0", Motorola: start bit is the most significant bit, sawtooth numbering
};

enum class ValueType : uint8_t {
  kUnsigned,  // "+"
  kSigned,    // "-", two's complement over `length` bits
  kFloat32,   // SIG_VALTYPE_ 1: the 32 raw bits are an IEEE 754 binary32
  kFloat64,   // SIG_VALTYPE_ 2: the 64 raw bits are an IEEE 754 binary64
};

// An inclusive range of multiplexor values (SG_MUL_VAL_ "3-5"; a simple m3 is {3, 3}).
struct MuxRange {
  uint64_t low = 0;
  uint64_t high = 0;
};

struct Signal {
  std::string name;
  uint16_t start_bit = 0;  // as written in the DBC (Motorola: sawtooth numbering, MSB)
  uint16_t length = 0;     // bits, 1..64
  ByteOrder byte_order = ByteOrder::kLittleEndian;
  ValueType value_type = ValueType::kUnsigned;
  double factor = 1.0;
  double offset = 0.0;
  double minimum = 0.0;
  double maximum = 0.0;
  std::string unit;
  std::vector<std::string> receivers;
  std::string comment;  // CM_ SG_, unescaped

  // Multiplexing. A signal is a multiplexor ("M", or "m<k>M" when nested) and/or multiplexed
  // ("m<k>"). For a multiplexed signal, `multiplexor` is the index in Message::signals of the
  // signal that selects it, and `mux_values` the multiplexor values that select it (from "m<k>"
  // or, where present, from SG_MUL_VAL_, which replaces the simple form).
  bool is_multiplexor = false;
  std::optional<uint32_t> multiplexor;
  std::vector<MuxRange> mux_values;

  std::vector<std::pair<int64_t, std::string>> choices;  // VAL_ for this signal, in file order
  int line = 0;  // line of the SG_ in its file, for later error messages
};

struct Message {
  uint32_t id = 0;  // with CanFrame::kEffFlag for extended messages
  std::string name;
  uint16_t length = 0;  // bytes, as declared (0..64)
  std::string transmitter;
  std::vector<std::string> extra_transmitters;  // BO_TX_BU_
  bool fd = false;                              // VFrameFormat is one of the CAN FD kinds
  std::optional<uint32_t> cycle_time_ms;        // GenMsgCycleTime, where set or defaulted
  std::string comment;                          // CM_ BO_, unescaped
  std::vector<Signal> signals;                  // in file order
  int line = 0;
  uint32_t source = 0;  // index in Database::sources of the file that defines this message
};

// An attribute value as written: integers and enum indices as int64, FLOAT as double, STRING
// and enum labels as text.
using AttributeValue = std::variant<int64_t, double, std::string>;

struct AttributeDefinition {
  enum class Object : uint8_t { kNetwork, kNode, kMessage, kSignal, kEnvVar };
  enum class Kind : uint8_t { kInt, kHex, kFloat, kString, kEnum };
  Object object = Object::kNetwork;
  std::string name;
  Kind kind = Kind::kInt;
  std::vector<std::string> enum_values;         // kEnum only
  std::optional<AttributeValue> default_value;  // BA_DEF_DEF_
};

struct Database {
  std::string version;             // VERSION
  std::vector<std::string> nodes;  // BU_
  std::vector<Message> messages;   // in file order; ids are unique (id includes kEffFlag)
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> value_tables;  // VAL_TABLE_
  std::vector<AttributeDefinition> attributes;
  std::vector<std::string> sources;  // the files this database was read from

  // BO_ entries whose number is no CAN identifier: VECTOR__INDEPENDENT_SIG_MSG (0xC0000000, a
  // container for signals not sent in any frame) and numbers above 0x7FF without bit 31 or
  // above 29 bits with it. They are kept for reference with `id` as written in the file, are
  // never in `messages`, and no frame can select them.
  std::vector<Message> pseudo_messages;

  // Problems the parser accepted because its options allowed them, as
  // "<source>:<line>:<column>: <what>" (see DbcParseOptions in dbc_parser.hpp).
  std::vector<std::string> warnings;

  // The message with this identifier (CanFrame convention), or nullptr.
  const Message* find(uint32_t id) const noexcept;
};

}  // namespace autograph::can
