// SignalTexts: the table of text values of the vehicle's text signals (a VIN, a list of DTCs).
//
// A sample carries a double, so a text value travels as the index of its text in this table
// (DESIGN.md: "text values go through the signal table, not per-sample strings"); the batch
// writes the text itself (signing::SignalSeries::texts). Texts are interned: the same text keeps
// its index, so the policy gate's on_change sees a change only when the text changes.
//
// Which signals are text is fixed by their VSS paths (is_vss_text_path). A table only grows, so
// an index stays valid for every batch that may still hold it, and each table's address is
// fixed at construction (streams keep pointers to them). Its growth is bounded: at most
// kMaxValues texts or kMaxBytes bytes per signal, after which a new text is refused and counted
// (refused()): a VIN is one text per vehicle, DTC lists change when codes come and go.
//
// Thread: the reactor thread (the OBD source interns, streams read when a batch closes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autograph::pipeline {

class SignalTexts {
 public:
  static constexpr size_t kMaxValues = 1024;
  static constexpr size_t kMaxBytes = 64 * 1024;

  // One table for each path of `vss_paths` (index = VSS signal id) that is a text signal.
  explicit SignalTexts(const std::vector<std::string>& vss_paths);

  SignalTexts(const SignalTexts&) = delete;
  SignalTexts& operator=(const SignalTexts&) = delete;

  // The VSS signal id of `path` when it is one of the text signals here; nullopt otherwise.
  std::optional<uint32_t> signal_of(std::string_view path) const noexcept;

  // The index of `json_value` (one complete JSON value, written into batches as it is) in the
  // table of text signal `signal`, added when new. nullopt, counted in refused(), when the table
  // is full. Aborts when `signal` is not a text signal (a wiring error).
  std::optional<uint32_t> intern(uint32_t signal, std::string_view json_value);

  // The table of `signal`; nullptr when it is not a text signal (or beyond the table).
  const std::vector<std::string>* texts(uint32_t signal) const noexcept;

  uint64_t refused() const noexcept { return refused_; }

 private:
  struct Table {
    uint32_t signal = 0;
    std::string path;
    std::vector<std::string> texts;
    size_t bytes = 0;
  };
  Table* find(uint32_t signal) noexcept;
  const Table* find(uint32_t signal) const noexcept;

  std::vector<Table> tables_;  // sized at construction: the addresses of `texts` never change
  uint64_t refused_ = 0;
};

}  // namespace autograph::pipeline
