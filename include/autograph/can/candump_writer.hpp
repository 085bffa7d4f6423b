// CandumpWriter: writes frames to a file as a can-utils log (candump -l format, candump_line.hpp),
// which canplayer replays and CandumpReader reads back to the same frames.
//
// Lines are collected in a 256 KiB buffer and written with write(2) when it fills, on flush()
// and on close(). Only close() (or flush()) tells whether every byte reached the file; the
// destructor flushes and closes too, but cannot report a failure.
//
// Not thread-safe: one thread owns a writer. Movable, not copyable.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "autograph/can/bus_table.hpp"
#include "autograph/can/can_frame.hpp"
#include "autograph/result.hpp"

namespace autograph::can {

class CandumpWriter {
 public:
  static constexpr size_t kBufferSize = size_t{256} << 10;

  // Creates (or truncates) `path`, mode 0644. `buses` names the interfaces for write(frame).
  // Returns kUnavailable naming the path and the system's reason when it cannot be created.
  [[nodiscard]] static Result<CandumpWriter> create(const std::string& path, BusTable buses = {});

  CandumpWriter(CandumpWriter&& other) noexcept;
  CandumpWriter& operator=(CandumpWriter&& other) noexcept;
  CandumpWriter(const CandumpWriter&) = delete;
  CandumpWriter& operator=(const CandumpWriter&) = delete;
  ~CandumpWriter();

  // Appends the line for `frame` on interface `iface`. Returns kUnavailable when a write to the
  // file fails (the frames still buffered stay buffered for a later flush()). Aborts, as
  // format_candump_line does, on a frame no line can express, and when the writer is closed.
  [[nodiscard]] Result<void> write(const CanFrame& frame, std::string_view iface);
  // The same with the interface named by frame.bus in the table given to create(); aborts when
  // the table has no such index.
  [[nodiscard]] Result<void> write(const CanFrame& frame);

  // Writes out the buffered lines. Returns kUnavailable when write(2) fails.
  [[nodiscard]] Result<void> flush();
  // Flushes and closes the file; returns the first failure of either. Calling it again after
  // success does nothing.
  [[nodiscard]] Result<void> close();

  const std::string& path() const noexcept { return path_; }

 private:
  CandumpWriter(std::string path, BusTable buses, int fd);

  std::string path_;
  BusTable buses_;
  int fd_ = -1;                     // -1 once closed
  std::unique_ptr<char[]> buffer_;  // kBufferSize bytes
  size_t used_ = 0;
};

}  // namespace autograph::can
