// ObdSupportedPids (see the header).
#include "autograph/can/obd_supported_pids.hpp"

#include <bit>

#include "autograph/can/obd_pid_table.hpp"

namespace autograph::can {

Result<void> ObdSupportedPids::add_bitmap(uint8_t bitmap_pid, std::span<const uint8_t> data) {
  if (!is_obd_bitmap_pid(bitmap_pid)) {
    return fail(ErrorCode::kMalformed, "PID 0x{:02X} is no supported-PID bitmap", bitmap_pid);
  }
  if (data.size() != 4) {
    return fail(ErrorCode::kMalformed, "supported-PID bitmap 0x{:02X} of {} bytes; it takes 4",
                bitmap_pid, data.size());
  }
  for (unsigned bit = 0; bit < 32; ++bit) {
    // Bit 7 of the first byte stands for bitmap_pid + 1.
    if (((static_cast<unsigned>(data[bit / 8]) >> (7u - bit % 8u)) & 1u) != 0) {
      const unsigned pid = bitmap_pid + bit + 1;
      if (pid <= 0xFF) {
        bits_[pid / 8] = static_cast<uint8_t>(bits_[pid / 8] | 1u << (pid % 8));
      }
    }
  }
  return {};
}

bool ObdSupportedPids::supports(uint8_t pid) const noexcept {
  return ((static_cast<unsigned>(bits_[pid / 8u]) >> (pid % 8u)) & 1u) != 0;
}

std::optional<uint8_t> ObdSupportedPids::next_bitmap(uint8_t bitmap_pid) const noexcept {
  if (!is_obd_bitmap_pid(bitmap_pid) || bitmap_pid >= 0xE0) {
    return std::nullopt;
  }
  const auto next = static_cast<uint8_t>(bitmap_pid + 0x20);
  return supports(next) ? std::optional<uint8_t>(next) : std::nullopt;
}

int ObdSupportedPids::count() const noexcept {
  int n = 0;
  for (const uint8_t byte : bits_) {
    n += std::popcount(byte);
  }
  return n;
}

}  // namespace autograph::can
