// The formatter half of candump_line.hpp; the parser is in candump_line.cpp.
#include <cstring>

#include "autograph/can/candump_line.hpp"
#include "autograph/check.hpp"
#include "candump_syntax.hpp"

namespace autograph::can {
namespace {

using candump_syntax::kErrFlag;
using candump_syntax::kFdFlagsBrs;
using candump_syntax::kFdFlagsEsi;
using candump_syntax::kNsPerSecond;

constexpr char kHexUpper[] = "0123456789ABCDEF";

char* put_decimal(uint64_t value, char* out) noexcept {
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n != 0) {
    *out++ = digits[--n];
  }
  return out;
}

char* put_fixed_decimal(uint64_t value, int width, char* out) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

char* put_hex(uint32_t value, int digits, char* out) noexcept {
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = kHexUpper[value & 0xF];
    value >>= 4;
  }
  return out + digits;
}

void check_formattable(const CanFrame& frame, std::string_view iface) noexcept {
  AG_CHECK(BusTable::valid_name(iface), "format_candump_line: invalid interface name");
  const bool fd = (frame.flags & CanFrame::kFd) != 0;
  AG_CHECK(fd ? valid_fd_len(frame.len) : frame.len <= CanFrame::kMaxClassicLen,
           "format_candump_line: length not valid for the frame type");
  AG_CHECK(!fd || (frame.flags & CanFrame::kRtr) == 0, "format_candump_line: CAN FD has no RTR");
  if ((frame.flags & CanFrame::kErr) != 0) {
    AG_CHECK(frame.id <= CanFrame::kEffMask, "format_candump_line: error class above 1FFFFFFF");
  } else if (frame.extended()) {
    AG_CHECK((frame.id & ~(CanFrame::kEffFlag | CanFrame::kEffMask)) == 0,
             "format_candump_line: extended id above 1FFFFFFF");
  } else {
    AG_CHECK(frame.id <= CanFrame::kSffMask, "format_candump_line: standard id above 7FF");
  }
}

}  // namespace

size_t format_candump_line(const CanFrame& frame, std::string_view iface, char* out) noexcept {
  check_formattable(frame, iface);
  char* p = out;
  *p++ = '(';
  p = put_decimal(frame.t_ns / kNsPerSecond, p);
  *p++ = '.';
  const uint64_t fraction = frame.t_ns % kNsPerSecond;
  p = fraction % 1000 == 0 ? put_fixed_decimal(fraction / 1000, 6, p)
                           : put_fixed_decimal(fraction, 9, p);
  *p++ = ')';
  *p++ = ' ';
  std::memcpy(p, iface.data(), iface.size());
  p += iface.size();
  *p++ = ' ';
  if ((frame.flags & CanFrame::kErr) != 0) {
    p = put_hex(frame.id | kErrFlag, 8, p);
  } else if (frame.extended()) {
    p = put_hex(frame.raw_id(), 8, p);
  } else {
    p = put_hex(frame.id, 3, p);
  }
  *p++ = '#';
  const bool fd = (frame.flags & CanFrame::kFd) != 0;
  const bool len8_dlc =
      !fd && frame.len == CanFrame::kMaxClassicLen && frame.len8_dlc > 8 && frame.len8_dlc <= 15;
  if (fd) {
    const uint32_t fd_flags = ((frame.flags & CanFrame::kBrs) != 0 ? kFdFlagsBrs : 0u) |
                              ((frame.flags & CanFrame::kEsi) != 0 ? kFdFlagsEsi : 0u);
    *p++ = '#';
    *p++ = kHexUpper[fd_flags];
  } else if ((frame.flags & CanFrame::kRtr) != 0) {
    *p++ = 'R';
    if (frame.len != 0) {
      *p++ = kHexUpper[frame.len];
    }
    if (len8_dlc) {
      *p++ = '_';
      *p++ = kHexUpper[frame.len8_dlc];
    }
    return static_cast<size_t>(p - out);
  }
  for (uint32_t i = 0; i < frame.len; ++i) {
    p = put_hex(frame.data[i], 2, p);
  }
  if (len8_dlc) {
    *p++ = '_';
    *p++ = kHexUpper[frame.len8_dlc];
  }
  return static_cast<size_t>(p - out);
}

void append_candump_line(const CanFrame& frame, std::string_view iface, std::string& out) {
  char line[kMaxCandumpLineLength + 1];
  const size_t n = format_candump_line(frame, iface, line);
  line[n] = '\n';
  out.append(line, n + 1);
}

}  // namespace autograph::can
