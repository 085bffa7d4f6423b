// Fuzz target for the DBC parser: any bytes must give a database or an error, never a crash,
// and a database must keep the promises of dbc_parser.hpp (checked here, aborting if broken).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "autograph/can/can_frame.hpp"
#include "autograph/can/dbc_parser.hpp"

namespace {

using autograph::can::ByteOrder;
using autograph::can::CanFrame;
using autograph::can::Database;
using autograph::can::Message;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "broken promise: %s\n", what);
    std::abort();
  }
}

void check_message(const Database& db, const Message& message, bool allow_past_length) {
  require(message.length <= CanFrame::kMaxFdLen, "message length <= 64");
  require(db.find(message.id) == &message, "find() returns the message by its id");
  const bool extended = (message.id & CanFrame::kEffFlag) != 0;
  require(
      (message.id & ~CanFrame::kEffFlag) <= (extended ? CanFrame::kEffMask : CanFrame::kSffMask),
      "id is a CAN identifier");
  const uint64_t bits = uint64_t{8} * (allow_past_length ? CanFrame::kMaxFdLen : message.length);
  for (const auto& signal : message.signals) {
    require(signal.length >= 1 && signal.length <= 64, "signal length 1..64");
    const uint64_t start = signal.start_bit;
    const uint64_t last = signal.byte_order == ByteOrder::kLittleEndian
                              ? start + signal.length - 1
                              : (start / 8) * 8 + 7 - start % 8 + signal.length - 1;
    require(start < bits && last < bits, "signal inside the message");
    if (signal.multiplexor) {
      require(*signal.multiplexor < message.signals.size(), "multiplexor index in range");
      require(message.signals[*signal.multiplexor].is_multiplexor, "multiplexor is one");
      require(!signal.mux_values.empty(), "multiplexed signal has values");
    }
  }
}

void run(std::string_view text, bool allow_past_length) {
  autograph::can::DbcParseOptions options;
  options.allow_signals_past_length = allow_past_length;
  const autograph::Result<Database> db = autograph::can::parse_dbc(text, "fuzz.dbc", options);
  if (!db) {
    require(db.error().message().starts_with("fuzz.dbc:"), "errors name the source");
    return;
  }
  for (const Message& message : db->messages) {
    check_message(*db, message, allow_past_length);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  run(text, false);
  run(text, true);
  return 0;
}
