// The spool's on-disk format, in one place. All integers are little-endian.
//
// Segment file `<first-id, 20 decimal digits>.seg`:
//   header (24 bytes): magic "AGSPSEG\0" (8) | version u32 | crc32c u32 of magic, version and
//                      first id | first id u64 (must equal the file name)
//   records:           length u32 (payload bytes, >= 1) | crc32c u32 of id and payload |
//                      id u64 | payload
// Ack log `acks.log`:
//   header (16 bytes): magic "AGSPACK\0" (8) | version u32 | crc32c u32 of magic and version
//   entries (12 bytes): id u64 | crc32c u32 of the id's 8 bytes
//
// A record's id is inside its CRC so that a record moved or duplicated by a damaged block is
// caught; ids increase strictly along a segment and across segments in name order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace autograph::spool::disk {

inline constexpr uint32_t kVersion = 1;
inline constexpr std::array<uint8_t, 8> kSegmentMagic = {'A', 'G', 'S', 'P', 'S', 'E', 'G', 0};
inline constexpr std::array<uint8_t, 8> kAckMagic = {'A', 'G', 'S', 'P', 'A', 'C', 'K', 0};
inline constexpr size_t kSegmentHeaderBytes = 24;
inline constexpr size_t kRecordHeaderBytes = 16;
inline constexpr size_t kAckHeaderBytes = 16;
inline constexpr size_t kAckEntryBytes = 12;

inline void store_le32(uint8_t* out, uint32_t value) noexcept {
  for (size_t i = 0; i < 4; ++i) {
    out[i] = static_cast<uint8_t>(value >> (8 * i));
  }
}

inline void store_le64(uint8_t* out, uint64_t value) noexcept {
  for (size_t i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(value >> (8 * i));
  }
}

inline uint32_t load_le32(const uint8_t* in) noexcept {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    value |= static_cast<uint32_t>(in[i]) << (8 * i);
  }
  return value;
}

inline uint64_t load_le64(const uint8_t* in) noexcept {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(in[i]) << (8 * i);
  }
  return value;
}

}  // namespace autograph::spool::disk
