#include "autograph/can/candump_line.hpp"

#include <array>

#include "autograph/check.hpp"
#include "candump_syntax.hpp"

namespace autograph::can {
namespace {

using candump_syntax::kErrFlag;
using candump_syntax::kFdFlagsBrs;
using candump_syntax::kFdFlagsEsi;
using candump_syntax::kFdFlagsFdf;
using candump_syntax::kNsPerSecond;

constexpr uint8_t kNotHex = 0xFF;
// The largest whole second whose nanosecond count fits in uint64_t.
constexpr uint64_t kMaxSeconds = UINT64_MAX / kNsPerSecond;

constexpr std::array<uint8_t, 256> make_hex_table() {
  std::array<uint8_t, 256> table{};
  for (auto& value : table) {
    value = kNotHex;
  }
  for (int c = '0'; c <= '9'; ++c) {
    table[static_cast<size_t>(c)] = static_cast<uint8_t>(c - '0');
  }
  for (size_t i = 0; i < 6; ++i) {
    table[size_t{'A'} + i] = static_cast<uint8_t>(10 + i);
    table[size_t{'a'} + i] = static_cast<uint8_t>(10 + i);
  }
  return table;
}
constexpr std::array<uint8_t, 256> kHex = make_hex_table();

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
uint8_t hex_value(char c) noexcept { return kHex[static_cast<unsigned char>(c)]; }

// A cursor over one line. Each parse step returns false after recording the first error.
class LineParser {
 public:
  explicit LineParser(std::string_view line) noexcept
      : begin_(line.data()), p_(line.data()), end_(line.data() + line.size()) {}

  CandumpLineScan parse(BusTable& buses, CanFrame& frame);

 private:
  bool fail(const char* at, const char* reason) noexcept {
    result_.kind = CandumpLineKind::kError;
    result_.column = static_cast<uint32_t>(at - begin_) + 1;
    result_.reason = reason;
    return false;
  }
  bool at_field_end() const noexcept { return p_ == end_ || is_blank(*p_); }
  void skip_blanks() noexcept {
    while (p_ != end_ && is_blank(*p_)) {
      ++p_;
    }
  }
  bool parse_timestamp(uint64_t& t_ns) noexcept;
  // Checks the sum, stores it, and expects ')' and a blank at `p` (just after the fraction).
  bool finish_timestamp(const char* p, uint64_t seconds, uint64_t fraction,
                        uint64_t& t_ns) noexcept;
  // Finds the interface in `buses` (-1: new and valid, to be added once the line is good).
  bool parse_interface(const BusTable& buses, std::string_view& name, int& bus) noexcept;
  bool parse_id(CanFrame& frame) noexcept;
  // What follows "<id>#": a remote request, or CAN FD flags and data, or classic data.
  bool parse_payload(CanFrame& frame) noexcept;
  bool parse_rtr(CanFrame& frame) noexcept;
  bool parse_data(CanFrame& frame) noexcept;
  bool parse_dlc_suffix(CanFrame& frame) noexcept;
  bool parse_trailer() noexcept;

  const char* begin_;
  const char* p_;
  const char* end_;
  CandumpLineScan result_;
};

bool LineParser::parse_timestamp(uint64_t& t_ns) noexcept {
  // A local cursor stays in a register; the member would be reloaded after every store.
  const char* p = p_;
  if (p == end_ || *p != '(') {
    return fail(p, "expected '(' starting the timestamp");
  }
  ++p;
  const char* digits = p;
  uint64_t seconds = 0;
  while (p != end_ && is_digit(*p)) {
    seconds = seconds * 10 + static_cast<uint64_t>(*p - '0');
    if (seconds > kMaxSeconds) {
      return fail(digits, "timestamp too large for 64-bit nanoseconds");
    }
    ++p;
  }
  if (p == digits) {
    return fail(p, "expected the seconds of the timestamp");
  }
  if (p == end_ || *p != '.') {
    return fail(p, "expected '.' in the timestamp");
  }
  ++p;
  const char* fraction_start = p;
  uint64_t fraction = 0;
  if (end_ - p > 6 && p[6] == ')') {
    // The usual 6 digits: independent digit values and one branch, not a dependent chain.
    uint32_t d[6];
    uint32_t bad = 0;
    for (int i = 0; i < 6; ++i) {
      d[i] = static_cast<uint32_t>(static_cast<unsigned char>(p[i])) - '0';
      bad |= d[i] > 9 ? 1u : 0u;
    }
    if (bad == 0) {
      fraction = (d[0] * 100000u + d[1] * 10000u + d[2] * 1000u + d[3] * 100u + d[4] * 10u + d[5]) *
                 uint64_t{1000};
      p += 6;
      return finish_timestamp(p, seconds, fraction, t_ns);
    }
  }
  while (p != end_ && is_digit(*p) && p - fraction_start < 9) {
    fraction = fraction * 10 + static_cast<uint64_t>(*p - '0');
    ++p;
  }
  const auto fraction_digits = p - fraction_start;
  if ((fraction_digits != 6 && fraction_digits != 9) || (p != end_ && is_digit(*p))) {
    return fail(fraction_start, "timestamp fraction must have 6 or 9 digits");
  }
  if (fraction_digits == 6) {
    fraction *= 1000;
  }
  return finish_timestamp(p, seconds, fraction, t_ns);
}

bool LineParser::finish_timestamp(const char* p, uint64_t seconds, uint64_t fraction,
                                  uint64_t& t_ns) noexcept {
  if (seconds == kMaxSeconds && fraction > UINT64_MAX - kMaxSeconds * kNsPerSecond) {
    return fail(p_ + 1, "timestamp too large for 64-bit nanoseconds");
  }
  t_ns = seconds * kNsPerSecond + fraction;
  if (p == end_ || *p != ')') {
    return fail(p, "expected ')' closing the timestamp");
  }
  p_ = p + 1;
  if (!at_field_end()) {
    return fail(p_, "expected a space after the timestamp");
  }
  skip_blanks();
  return true;
}

bool LineParser::parse_interface(const BusTable& buses, std::string_view& name, int& bus) noexcept {
  const char* start = p_;
  const char* p = p_;
  while (p != end_ && !is_blank(*p)) {
    ++p;
  }
  p_ = p;
  name = std::string_view(start, static_cast<size_t>(p - start));
  skip_blanks();
  if (name.empty()) {
    return fail(start, "expected an interface name after the timestamp");
  }
  if (p_ == end_) {
    if (name.find('#') != std::string_view::npos) {
      return fail(start, "expected an interface name before the frame");
    }
    return fail(p_, "expected a frame after the interface name");
  }
  bus = buses.index_of(name);
  if (bus >= 0) {
    return true;  // names in the table are valid
  }
  if (name.size() > BusTable::kMaxNameLength) {
    return fail(start, "interface name longer than 15 bytes");
  }
  if (!BusTable::valid_name(name)) {
    return fail(start, "interface name holds a control character, '#', '(' or ')'");
  }
  return true;
}

bool LineParser::parse_id(CanFrame& frame) noexcept {
  const char* start = p_;
  const auto available = end_ - p_;
  size_t digits = 0;
  if (available > 3 && p_[3] == '#') {
    digits = 3;
  } else if (available > 8 && p_[8] == '#') {
    digits = 8;
  } else {
    return fail(start, "identifier must be 3 or 8 hex digits followed by '#'");
  }
  uint32_t id = 0;
  for (size_t i = 0; i < digits; ++i, ++p_) {
    const uint8_t nibble = hex_value(*p_);
    if (nibble == kNotHex) {
      return fail(p_, "invalid hex digit in the identifier");
    }
    id = (id << 4) | nibble;
  }
  ++p_;  // '#'
  if (digits == 3) {
    if (id > CanFrame::kSffMask) {
      return fail(start, "standard identifier above 7FF");
    }
    frame.id = id;
  } else if ((id & ~(kErrFlag | CanFrame::kEffMask)) != 0) {
    return fail(start, "extended identifier above 1FFFFFFF (bit 30 or 31 set)");
  } else if ((id & kErrFlag) != 0) {
    frame.id = id & CanFrame::kEffMask;
    frame.flags |= CanFrame::kErr;
  } else {
    frame.id = id | CanFrame::kEffFlag;
  }
  return true;
}

bool LineParser::parse_rtr(CanFrame& frame) noexcept {
  frame.flags |= CanFrame::kRtr;
  ++p_;  // 'R'
  if (at_field_end()) {
    return true;
  }
  const uint8_t len = hex_value(*p_);
  if (len > CanFrame::kMaxClassicLen) {
    return fail(p_, "remote request length must be one digit 0..8");
  }
  frame.len = len;
  ++p_;
  if (p_ != end_ && *p_ == '_') {
    if (len != CanFrame::kMaxClassicLen) {
      return fail(p_, "DLC suffix '_' only follows a length of 8");
    }
    return parse_dlc_suffix(frame);
  }
  return true;
}

bool LineParser::parse_dlc_suffix(CanFrame& frame) noexcept {
  ++p_;  // '_'
  const uint8_t dlc = p_ == end_ ? kNotHex : hex_value(*p_);
  if (dlc == kNotHex || dlc <= CanFrame::kMaxClassicLen) {
    return fail(p_, "DLC suffix must be one hex digit 9..F");
  }
  frame.len8_dlc = dlc;
  ++p_;
  return true;
}

bool LineParser::parse_data(CanFrame& frame) noexcept {
  const bool fd = (frame.flags & CanFrame::kFd) != 0;
  const uint32_t max_len = fd ? CanFrame::kMaxFdLen : CanFrame::kMaxClassicLen;
  // Local copies: stores into frame.data (unsigned char) may alias anything, which would make
  // the compiler reload member cursors after every byte.
  const char* p = p_;
  const char* const end = end_;
  uint8_t* const out = frame.data;
  uint32_t len = 0;
  // Fast path for plain hex pairs, one branch per byte; separators, suffixes, the end of the
  // field and every error are left to the general loop below.
  while (len < max_len && end - p >= 2) {
    const uint8_t high = hex_value(p[0]);
    const uint8_t low = hex_value(p[1]);
    if (((high | low) & 0xF0) != 0) {
      break;
    }
    out[len++] = static_cast<uint8_t>((high << 4) | low);
    p += 2;
  }
  while (p != end && !is_blank(*p)) {
    if (*p == '.' && len > 0) {
      ++p;
      if (p == end || hex_value(*p) == kNotHex) {
        return fail(p, "expected a data byte after the '.' separator");
      }
    }
    if (*p == '_' && !fd && len == CanFrame::kMaxClassicLen) {
      p_ = p;
      frame.len = static_cast<uint8_t>(len);
      return parse_dlc_suffix(frame);
    }
    const uint8_t high = hex_value(*p);
    if (high == kNotHex) {
      return fail(p, *p == '_' ? "DLC suffix '_' only follows 8 data bytes of a classic frame"
                               : "invalid hex digit in the data");
    }
    if (len == max_len) {
      return fail(p, fd ? "CAN FD frame has more than 64 data bytes"
                        : "classic frame has more than 8 data bytes");
    }
    ++p;
    const uint8_t low = p == end ? kNotHex : hex_value(*p);
    if (low == kNotHex) {
      const bool odd = p == end || is_blank(*p) || *p == '.' || *p == '_';
      return fail(p, odd ? "data has odd number of hex digits" : "invalid hex digit in the data");
    }
    ++p;
    out[len++] = static_cast<uint8_t>((high << 4) | low);
  }
  p_ = p;
  if (fd && !valid_fd_len(len)) {
    return fail(p, "CAN FD length must be 0..8, 12, 16, 20, 24, 32, 48 or 64 bytes");
  }
  frame.len = static_cast<uint8_t>(len);
  return true;
}

bool LineParser::parse_payload(CanFrame& frame) noexcept {
  if (p_ != end_ && (*p_ == 'R' || *p_ == 'r')) {
    return parse_rtr(frame);
  }
  if (p_ != end_ && *p_ == '#') {
    ++p_;
    const uint8_t fd_flags = p_ == end_ ? kNotHex : hex_value(*p_);
    if (fd_flags == kNotHex || (fd_flags & ~(kFdFlagsBrs | kFdFlagsEsi | kFdFlagsFdf)) != 0) {
      return fail(p_, "expected a CAN FD flags digit 0..7 after '##'");
    }
    frame.flags |= CanFrame::kFd;
    frame.flags |= (fd_flags & kFdFlagsBrs) != 0 ? CanFrame::kBrs : uint8_t{0};
    frame.flags |= (fd_flags & kFdFlagsEsi) != 0 ? CanFrame::kEsi : uint8_t{0};
    ++p_;
  }
  return parse_data(frame);
}

bool LineParser::parse_trailer() noexcept {
  if (!at_field_end()) {
    return fail(p_, "unexpected characters after the frame");
  }
  skip_blanks();
  if (p_ != end_ && (*p_ == 'R' || *p_ == 'T') && (p_ + 1 == end_ || is_blank(p_[1]))) {
    ++p_;  // direction mark of `candump -x`
    skip_blanks();
  }
  if (p_ != end_) {
    return fail(p_, "unexpected text after the frame");
  }
  return true;
}

CandumpLineScan LineParser::parse(BusTable& buses, CanFrame& frame) {
  skip_blanks();
  if (p_ == end_ || *p_ == '#') {
    return result_;  // kEmpty
  }
  frame = CanFrame{};
  std::string_view iface;
  int bus = -1;
  if (!parse_timestamp(frame.t_ns) || !parse_interface(buses, iface, bus) || !parse_id(frame) ||
      !parse_payload(frame) || !parse_trailer()) {
    return result_;
  }
  if (bus < 0) {
    const std::optional<uint16_t> added = buses.find_or_add(iface);
    if (!added) {
      fail(iface.data(), "more than 256 interfaces in one log");
      return result_;
    }
    bus = *added;
  }
  frame.bus = static_cast<uint16_t>(bus);
  result_.kind = CandumpLineKind::kFrame;
  return result_;
}
}  // namespace

CandumpLineScan scan_candump_line(std::string_view line, BusTable& buses, CanFrame& frame) {
  return LineParser(line).parse(buses, frame);
}

Result<CanFrame> parse_candump_line(std::string_view line, BusTable& buses) {
  CanFrame frame;
  const CandumpLineScan scan = scan_candump_line(line, buses, frame);
  switch (scan.kind) {
    case CandumpLineKind::kFrame:
      return frame;
    case CandumpLineKind::kEmpty:
      return fail(ErrorCode::kMalformed, "no frame on this line (blank or comment)");
    case CandumpLineKind::kError:
      break;
  }
  return fail(ErrorCode::kMalformed, "column {}: {}", scan.column, scan.reason);
}

}  // namespace autograph::can
