// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum that protects every spool
// record on flash. Software slicing-by-8: the boards this runs on (arm64, armhf, x86) do not all
// have a CRC instruction, and at about 1 GB/s on this machine the software version is far faster
// than the flash it guards.
#pragma once

#include <cstdint>
#include <span>

namespace autograph::spool {

// Returns the CRC32C of `data` continued from `crc`, the CRC32C of the bytes before it (0 for
// none), so crc32c(b, crc32c(a)) == crc32c(a followed by b). Known answer: "123456789" gives
// 0xE3069283. Any thread.
[[nodiscard]] uint32_t crc32c(std::span<const uint8_t> data, uint32_t crc = 0) noexcept;

}  // namespace autograph::spool
