// Fuzzes the candump line parser and the in-memory reader. Every line that parses must format
// to a line that parses to the same frame and formats to the same text again.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "autograph/can/candump_log.hpp"
#include "autograph/check.hpp"

namespace {

using autograph::can::BusTable;
using autograph::can::CandumpLineKind;
using autograph::can::CanFrame;

bool same_frame(const CanFrame& a, const CanFrame& b) {
  return a.id == b.id && a.len == b.len && a.flags == b.flags && a.bus == b.bus &&
         a.len8_dlc == b.len8_dlc && a.t_ns == b.t_ns &&
         std::memcmp(a.data, b.data, sizeof a.data) == 0;
}

// Returns whether the line held a frame.
bool check_line(std::string_view line, BusTable& buses) {
  CanFrame frame;
  const auto scan = autograph::can::scan_candump_line(line, buses, frame);
  if (scan.kind == CandumpLineKind::kError) {
    AG_CHECK(scan.column >= 1 && scan.column <= line.size() + 1, "error column outside line");
    AG_CHECK(scan.reason != nullptr, "error without reason");
    return false;
  }
  if (scan.kind != CandumpLineKind::kFrame) {
    return false;
  }
  AG_CHECK(frame.bus < buses.size(), "frame bus not in table");
  char text[autograph::can::kMaxCandumpLineLength];
  const size_t n = autograph::can::format_candump_line(frame, buses.name(frame.bus), text);
  const size_t tables = buses.size();
  CanFrame again;
  const auto rescan = autograph::can::scan_candump_line(std::string_view(text, n), buses, again);
  AG_CHECK(rescan.kind == CandumpLineKind::kFrame, "formatted line does not parse");
  AG_CHECK(same_frame(frame, again), "formatted line parses to another frame");
  AG_CHECK(buses.size() == tables, "reparse added an interface");
  char text2[autograph::can::kMaxCandumpLineLength];
  const size_t n2 = autograph::can::format_candump_line(again, buses.name(again.bus), text2);
  AG_CHECK(n2 == n && std::memcmp(text, text2, n) == 0, "format is not stable");
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  BusTable buses;
  uint64_t line_frames = 0;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) {
      end = input.size();
    }
    line_frames += check_line(input.substr(start, end - start), buses) ? 1 : 0;
    start = end + 1;
  }

  // The reader over the same bytes must see exactly the frames the line parser saw.
  autograph::can::CandumpReader reader =
      autograph::can::CandumpReader::from_memory(input, "fuzz.log", {}, {true, 256});
  CanFrame frame;
  uint64_t frames = 0;
  for (;;) {
    autograph::Result<bool> got = reader.next(frame);
    AG_CHECK(got.has_value(), "reader failed while skipping bad lines");
    if (!*got) {
      break;
    }
    ++frames;
  }
  AG_CHECK(reader.buses().names() == buses.names(), "reader and parser disagree on interfaces");
  AG_CHECK(frames == line_frames, "reader and parser disagree on the number of frames");
  return 0;
}
