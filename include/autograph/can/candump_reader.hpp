// CandumpReader: streams frames out of a can-utils log file (candump -l) or an in-memory text.
//
// Lines follow candump_line.hpp. The file is read through one large buffer with read(2), so a
// capture of any size costs a fixed amount of memory and no allocation per line. The reader
// assigns bus indices in order of first appearance through its BusTable; preset the table to
// keep indices stable across files. Errors name the place: "capture.log:17:24: data has odd
// number of hex digits" (file as given, line, column). With skip_bad_lines, malformed lines are
// counted instead (skipped(), first_skipped()) for the caller to report: nothing is dropped
// silently.
//
// Not thread-safe: one thread owns a reader. Movable, not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/can/bus_table.hpp"
#include "autograph/can/can_frame.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

struct CandumpReaderOptions {
  // Count malformed lines and go on, instead of failing next() on the first one.
  bool skip_bad_lines = false;
  // Bytes of the read buffer (at least 256). A line and its '\n' must fit in it; a longer
  // line is reported as malformed.
  size_t buffer_size = size_t{1} << 20;
};

class CandumpReader {
 public:
  // Opens `path` for reading. Returns kUnavailable naming the path and the system's reason
  // when it cannot be opened. `buses` presets the interface table. Aborts when
  // options.buffer_size < 256.
  [[nodiscard]] static Result<CandumpReader> open(const std::string& path, BusTable buses = {},
                                                  CandumpReaderOptions options = {});

  // Reads from `text`, which the caller keeps alive and unchanged while the reader is used;
  // `name` stands for the file in error messages. options.buffer_size is not used.
  static CandumpReader from_memory(std::string_view text, std::string name, BusTable buses = {},
                                   CandumpReaderOptions options = {});

  CandumpReader(CandumpReader&& other) noexcept;
  CandumpReader& operator=(CandumpReader&& other) noexcept;
  CandumpReader(const CandumpReader&) = delete;
  CandumpReader& operator=(const CandumpReader&) = delete;
  ~CandumpReader();

  // Stores the next frame in `frame` and returns true; returns false at the end of the input
  // (also for an empty input). Returns kMalformed "<name>:<line>:<column>: <reason>" for a bad
  // line (unless skip_bad_lines), including a line longer than the buffer; returns kUnavailable
  // when reading the file fails. After an error the reader may be called again: it goes on with
  // the next line.
  [[nodiscard]] Result<bool> next(CanFrame& frame);

  // Interface names in bus index order: the preset ones, then those seen so far.
  const std::vector<std::string>& interfaces() const noexcept { return buses_.names(); }
  const BusTable& buses() const noexcept { return buses_; }
  // Malformed lines skipped so far (skip_bad_lines only).
  uint64_t skipped() const noexcept { return skipped_; }
  // The error of the first skipped line, as next() would have returned it; empty when none.
  const std::string& first_skipped() const noexcept { return first_skipped_; }
  // Lines consumed so far (the number of the line of the last frame or error returned).
  uint64_t line_number() const noexcept { return line_number_; }
  const std::string& name() const noexcept { return name_; }

 private:
  CandumpReader(std::string name, BusTable buses, CandumpReaderOptions options);

  // Moves the unread bytes to the front of the buffer and reads more; sets eof_ at the end.
  [[nodiscard]] Result<void> refill();
  // Finds the next whole line; returns false at the end. May set `too_long` instead.
  [[nodiscard]] Result<bool> next_line(std::string_view& line, bool& too_long);
  [[nodiscard]] Result<bool> handle_bad_line(uint32_t column, std::string_view reason);

  std::string name_;
  BusTable buses_;
  CandumpReaderOptions options_;
  int fd_ = -1;                     // -1 for memory input or once the file is at its end
  std::unique_ptr<char[]> buffer_;  // options_.buffer_size bytes; file input only
  const char* pos_ = nullptr;       // unread bytes: [pos_, end_)
  const char* end_ = nullptr;
  bool eof_ = true;          // nothing more to read beyond end_
  bool discarding_ = false;  // inside an overlong line being dropped
  uint64_t line_number_ = 0;
  uint64_t skipped_ = 0;
  std::string first_skipped_;
};

}  // namespace autograph::can
