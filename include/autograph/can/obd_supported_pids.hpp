// ObdSupportedPids: which service 01 PIDs one ECU says it supports, from its bitmap answers.
//
// PID 0x00 answers four bytes whose bits, most significant first, say whether PIDs 0x01..0x20
// are supported; PID 0x20 does the same for 0x21..0x40, and so on up to 0xE0 for 0xE1..0xFF
// (J1979). The last bit of each bitmap (PID 0x20, 0x40, ...) says whether the next bitmap can be
// asked for. Discovery asks 0x00, then each next bitmap the previous one announces.
//
// A plain value (32 bytes); not thread-safe, one owner.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "autograph/result.hpp"

namespace autograph::can {

class ObdSupportedPids {
 public:
  // Records the bitmap that PID `bitmap_pid` (0x00, 0x20, ..., 0xE0) answered with `data`.
  // Errors (kMalformed): bitmap_pid is not a bitmap PID, or data is not 4 bytes.
  [[nodiscard]] Result<void> add_bitmap(uint8_t bitmap_pid, std::span<const uint8_t> data);

  // True when a recorded bitmap marks `pid` as supported; false for PID 0x00 and any PID whose
  // bitmap has not been recorded.
  bool supports(uint8_t pid) const noexcept;

  // The bitmap PID discovery should ask next after `bitmap_pid` was answered: bitmap_pid + 0x20
  // when that one is marked supported, nullopt otherwise or after 0xE0.
  std::optional<uint8_t> next_bitmap(uint8_t bitmap_pid) const noexcept;

  // The number of supported PIDs recorded (bitmap PIDs included).
  int count() const noexcept;

 private:
  std::array<uint8_t, 32> bits_{};  // bit (pid & 7) of bits_[pid / 8] marks PID pid supported
};

}  // namespace autograph::can
