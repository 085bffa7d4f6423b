// Test helpers for CanFrame: field-by-field equality (data compared over all 64 bytes, so stray
// bytes past `len` count too) and a printer so failures show the frame.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <ostream>

#include "autograph/can/can_frame.hpp"

namespace autograph::can {

inline bool same_frame(const CanFrame& a, const CanFrame& b) {
  return a.id == b.id && a.len == b.len && a.flags == b.flags && a.bus == b.bus &&
         a.len8_dlc == b.len8_dlc && a.t_ns == b.t_ns &&
         std::memcmp(a.data, b.data, sizeof a.data) == 0;
}

inline void PrintTo(const CanFrame& frame, std::ostream* os) {
  *os << "CanFrame{id=0x" << std::hex << frame.id << " len=" << std::dec << int{frame.len}
      << " flags=0x" << std::hex << int{frame.flags} << std::dec << " bus=" << frame.bus
      << " len8_dlc=" << int{frame.len8_dlc} << " t_ns=" << frame.t_ns << " data=";
  for (int i = 0; i < CanFrame::kMaxFdLen; ++i) {
    *os << std::hex << int{frame.data[i]} << (i + 1 < CanFrame::kMaxFdLen ? "," : "");
  }
  *os << std::dec << "}";
}

}  // namespace autograph::can
