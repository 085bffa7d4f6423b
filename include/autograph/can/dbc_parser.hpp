// The DBC parser: reads Vector DBC files, the CAN databases that carmakers and opendbc publish,
// into the model of dbc.hpp.
//
// Rules for the whole module:
// - Input is UTF-8 (a leading byte order mark is dropped) or, when the bytes are not valid
//   UTF-8, Windows-1252, which is converted: every string in the Database is UTF-8. Line ends
//   may be LF or CRLF.
// - Every error is ErrorCode::kMalformed (kFailedPrecondition when a file cannot be read) with
//   the message "<source>:<line>:<column>: expected X, found Y" (or another sentence after the
//   position): lines and columns count from 1, columns in bytes of the UTF-8 text.
// - Accepted beyond the strict grammar, because real files do it: a missing BS_ (Kona), a VAL_
//   without its final ';' at the end of a line (RAV4), statements the model has no use for
//   (SIG_GROUP_, EV_, ENVVAR_DATA_, CAT_, BA_DEF_REL_, unknown keywords) skipped up to their ';',
//   "CM_ <id> ..." without BO_ (Hyundai CAN FD), and comments on messages or signals that do not
//   exist or are not named (VW MQB, RAV4, Honda), which are dropped. A BO_ or SG_ is never
//   skipped: a malformed one is an error.
// - Rejected: a signal that does not fit its message (Intel: start + length <= 8 * bytes;
//   Motorola: from the start bit, the MSB in sawtooth numbering, down to the LSB inside the
//   message), a signal length of 0 or above 64, float32 (SIG_VALTYPE_ 1) not 32 bits long or
//   float64 (2) not 64, a message longer than 64 bytes, a message id twice in one file, a signal
//   name twice in one message, other references to messages, signals or attributes not defined,
//   a multiplexed signal (m<k>) without exactly one multiplexor (M) unless SG_MUL_VAL_ names it,
//   and multiplexors that select each other in a cycle.
// - Identifiers: bit 31 of a BO_ number marks an extended id (Message::id keeps it as
//   CanFrame::kEffFlag); VFrameFormat only sets Message::fd. BO_ numbers that are no CAN id
//   (VECTOR__INDEPENDENT_SIG_MSG = 0xC0000000; above 0x7FF without bit 31) go to
//   Database::pseudo_messages, where no frame can select them.
// All functions are pure apart from reading the named file; any thread.
#pragma once

#include <filesystem>
#include <string_view>

#include "autograph/can/dbc.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

struct DbcParseOptions {
  // Accept a signal that runs past its message's declared length but stays inside 64 bytes,
  // adding a warning to Database::warnings instead of failing. Some published files need it
  // (Tesla Model3CAN.dbc declares 5-byte messages with signals up to byte 7); a decoder must
  // check each signal against the received length anyway, since frames may be shorter than
  // declared.
  bool allow_signals_past_length = false;
};

// Parses the DBC text `text`; `source_name` (usually the file's path) starts every error
// message and becomes Database::sources[0]. Returns the database or the first error.
[[nodiscard]] Result<Database> parse_dbc(std::string_view text, std::string_view source_name,
                                         const DbcParseOptions& options = {});

// Reads the file at `path` (at most 64 MiB) and parses it with the path as its source name.
// Returns kFailedPrecondition when the file cannot be opened or read, else as parse_dbc.
[[nodiscard]] Result<Database> load_dbc_file(const std::filesystem::path& path,
                                             const DbcParseOptions& options = {});

// Moves the messages, pseudo messages, nodes, value tables, attribute definitions, warnings and
// sources of `from` into `into`, for several DBC files describing one bus. Fails with
// kMalformed, naming both files and lines, when a message id is in both `messages`; `into` is
// then unchanged. Pseudo messages never clash (each file may have its own
// VECTOR__INDEPENDENT_SIG_MSG), so Database::pseudo_messages may then hold an id twice. Nodes,
// value tables and attribute definitions already in `into` keep their first definition. The
// version of `into` is kept unless it is empty.
[[nodiscard]] Result<void> merge_into(Database& into, Database&& from);

}  // namespace autograph::can
