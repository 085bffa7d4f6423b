// StreamCursorFile: where a stream's chain continues, kept in the state directory so that a
// restart goes on with the next seq and the right `prev` instead of starting a second seq 0.
//
// The file holds one line: "autograph-cursor 1 <next_seq> 0x<prev, 64 hex digits>\n". It is
// replaced atomically (write a temporary file, fsync, rename over, fsync the directory), so after
// a crash it holds either the old or the new cursor, never a mix.
//
// Thread: any; one writer per file.
#pragma once

#include <filesystem>

#include "autograph/result.hpp"
#include "autograph/signing/stream_signer.hpp"

namespace autograph::pipeline {

class StreamCursorFile {
 public:
  explicit StreamCursorFile(std::filesystem::path path) : path_(std::move(path)) {}

  // Returns the stored cursor, or {0, zeros} when the file does not exist (a new stream).
  // Errors: kDataLoss naming the file when its content is not a cursor line (a damaged file
  // must not silently restart the chain at seq 0); kUnavailable when it cannot be read.
  [[nodiscard]] Result<signing::StreamCursor> load() const;

  // Replaces the stored cursor atomically and durably. Errors: kUnavailable naming the path and
  // the system's reason.
  [[nodiscard]] Result<void> save(const signing::StreamCursor& cursor) const;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace autograph::pipeline
