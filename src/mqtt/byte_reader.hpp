// ByteReader: bounds-checked reading of MQTT 3.1.1 wire types from one packet's bytes.
//
// Every read checks the bytes left first; a short read is a kMalformed Error naming the packet,
// the field and the offset, never a read past the end. UTF-8 strings follow MQTT 3.1.1 section
// 1.5.3: two-byte length prefix, well-formed UTF-8 (no overlong forms, no surrogates, nothing
// above U+10FFFF) and no U+0000. Big-endian throughout.
//
// Thread: a ByteReader is a short-lived value used by one thread; it does not own the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

// The largest remaining length a variable byte integer can carry (four bytes): 268,435,455.
inline constexpr uint32_t kMaxRemainingLength = 268'435'455;

// A variable byte integer decoded from the start of a buffer: its value and how many bytes
// (1..4) it took.
struct VarInt {
  uint32_t value = 0;
  size_t size = 0;
};

// Decodes a variable byte integer from the start of `bytes`, which may be a partial stream.
// Returns nullopt when `bytes` ends before the integer does (more input needed), the integer
// when complete, and kMalformed when a fifth byte would be needed or a multi-byte encoding is
// not minimal (e.g. 0x80 0x00), naming `packet`.
[[nodiscard]] Result<std::optional<VarInt>> peek_varint(std::span<const uint8_t> bytes,
                                                        std::string_view packet);

// Returns an empty string when `text` is a valid MQTT UTF-8 string (well-formed, no U+0000,
// at most 65,535 bytes), else the reason in words ("invalid UTF-8 at byte 3", ...).
std::string mqtt_utf8_problem(std::string_view text);

class ByteReader {
 public:
  // `packet` names the packet in errors ("PUBLISH"); both views must outlive the reader.
  ByteReader(std::span<const uint8_t> bytes, std::string_view packet) noexcept
      : bytes_(bytes), packet_(packet) {}

  // Each returns the value read and advances, or kMalformed naming `field` when the bytes end
  // first (or, for utf8, when the string breaks the rules above).
  [[nodiscard]] Result<uint8_t> u8(std::string_view field);
  [[nodiscard]] Result<uint16_t> u16(std::string_view field);
  [[nodiscard]] Result<std::string> utf8(std::string_view field);
  // Two-byte length followed by that many bytes (a CONNECT password or will message).
  [[nodiscard]] Result<std::vector<uint8_t>> binary(std::string_view field);

  // Returns every byte not read yet and advances to the end (a PUBLISH payload).
  std::span<const uint8_t> rest() noexcept;

  // Returns ok when every byte was read, else kMalformed naming the trailing byte count.
  [[nodiscard]] Result<void> expect_end(std::string_view after_field) const;

  size_t remaining() const noexcept { return bytes_.size() - offset_; }
  size_t offset() const noexcept { return offset_; }

 private:
  // ok when `count` bytes are left; the error names `field` as starting at offset `start`.
  [[nodiscard]] Result<void> need(size_t count, std::string_view field, size_t start) const;

  std::span<const uint8_t> bytes_;
  std::string_view packet_;
  size_t offset_ = 0;
};

}  // namespace autograph::mqtt
