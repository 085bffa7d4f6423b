// One line of a can-utils log (what `candump -l` writes and `canplayer` replays), parsed and
// formatted without files, allocation or locale.
//
// Line syntax (fields separated by spaces or tabs; a trailing '\r' is ignored):
//   (<seconds>.<fraction>) <interface> <frame> [R|T]
//     fraction   6 or 9 decimal digits; the time becomes CanFrame::t_ns exactly (integer math)
//     interface  1..15 bytes (BusTable::valid_name); its index in the BusTable becomes `bus`
//     frame      <id>#<data>          classic frame, 0..8 bytes as hex pairs, optionally
//                                     separated by '.' (as cansend accepts)
//                <id>#<data>_<D>      classic frame of 8 bytes sent with raw DLC D = 9..F
//                                     (CanFrame::len8_dlc)
//                <id>#R[<len>[_<D>]]  remote request (kRtr) of len 0..8 (default 0)
//                <id>##<F><data>      CAN FD (kFd), len one of 0..8,12,16,20,24,32,48,64;
//                                     flags digit F: bit 0 = BRS, bit 1 = ESI, bit 2 = FDF
//                                     (the kernel's "this is FD" mark, implied, ignored)
//     id         3 hex digits: standard id <= 0x7FF; 8 hex digits: extended id (kEffFlag), or
//                an error frame when bit 29 (CAN_ERR_FLAG) is set (kErr, `id` = error class)
//     [R|T]      direction that `candump -l -x` appends; accepted and ignored
// Hex digits may be either case; the formatter writes upper case, like candump. Blank lines and
// lines whose first non-blank character is '#' hold no frame.
//
// Thread-safety: the functions are reentrant; a BusTable is owned by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "autograph/can/bus_table.hpp"
#include "autograph/can/can_frame.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

// The longest line format_candump_line writes (without '\n'): "(18446744073.709551615) ",
// a 15-byte interface and a space, an 8-digit id, "##", the flags digit and 64 bytes in hex.
inline constexpr size_t kMaxCandumpLineLength = 24 + 16 + 8 + 2 + 1 + 128;

enum class CandumpLineKind : uint8_t {
  kFrame,  // the line held a frame; it was stored
  kEmpty,  // blank line or comment: no frame, not an error
  kError,  // malformed; `column` and `reason` say where and why
};

struct CandumpLineScan {
  CandumpLineKind kind = CandumpLineKind::kEmpty;
  uint32_t column = 0;           // kError: 1-based byte column of the offending character
  const char* reason = nullptr;  // kError: static text, e.g. "data has odd number of hex digits"
};

// Parses one line (without its '\n') into `frame`, the hot-path form used by CandumpReader.
// kFrame: `frame` is fully overwritten (unused data bytes zeroed), and its interface was looked
// up in `buses`, added at the end when new. kEmpty/kError: `frame` holds unspecified values;
// `buses` is unchanged. Allocates only when the table grows. Throws only std::bad_alloc.
CandumpLineScan scan_candump_line(std::string_view line, BusTable& buses, CanFrame& frame);

// Parses a line that must hold a frame. Returns the frame, or kMalformed with
// "column <c>: <reason>" (a blank or comment line is an error here: "no frame on this line").
[[nodiscard]] Result<CanFrame> parse_candump_line(std::string_view line, BusTable& buses);

// Writes the line for `frame` on interface `iface` to `out` (which must hold at least
// kMaxCandumpLineLength bytes), without '\n' or NUL; returns the number of bytes written.
// The fraction has 6 digits when t_ns is a multiple of 1000, else 9, so that
// format(parse(format(f))) == format(f). Seconds are not zero-padded. len8_dlc is written only
// for classic 8-byte frames with a value 9..15; BRS/ESI only for FD frames; other flag bits are
// not representable and ignored. Aborts (AG_CHECK) on what no line can express: an invalid
// interface name, len > 8 for classic or RTR frames, an FD len not in the list above, a
// standard id > 0x7FF, bits 29..30 set in an extended id, or kErr together with kEffFlag.
size_t format_candump_line(const CanFrame& frame, std::string_view iface, char* out) noexcept;

// Appends the line for `frame` and a '\n' to `out`; same rules as format_candump_line.
void append_candump_line(const CanFrame& frame, std::string_view iface, std::string& out);

// True when `len` is a length a CAN FD frame can have (0..8, 12, 16, 20, 24, 32, 48, 64).
constexpr bool valid_fd_len(uint32_t len) noexcept {
  return len <= 8 || len == 12 || len == 16 || len == 20 || len == 24 || len == 32 || len == 48 ||
         len == 64;
}

}  // namespace autograph::can
