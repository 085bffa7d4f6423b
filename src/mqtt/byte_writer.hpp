// ByteWriter: MQTT 3.1.1 wire types appended to a byte vector, and whole-packet framing.
//
// Values from outside (topics, client ids, payload sizes) are checked against the same rules the
// reader enforces; a value that can't be encoded is a kMalformed Error naming the packet and
// field, so the client never sends what a strict broker would reject.
//
// Thread: a ByteWriter is a short-lived value used by one thread; it appends to a vector the
// caller owns.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::mqtt {

class ByteWriter {
 public:
  // Appends to `out` (not cleared); `packet` names the packet in errors. Both must outlive it.
  ByteWriter(std::vector<uint8_t>& out, std::string_view packet) noexcept
      : out_(out), packet_(packet) {}

  void u8(uint8_t value);
  void u16(uint16_t value);
  void bytes(std::span<const uint8_t> data);
  // Two-byte length then the string; kMalformed when it breaks the MQTT UTF-8 rules.
  [[nodiscard]] Result<void> utf8(std::string_view text, std::string_view field);
  // Two-byte length then the bytes; kMalformed when longer than 65,535 bytes.
  [[nodiscard]] Result<void> binary(std::span<const uint8_t> data, std::string_view field);
  // 1..4 bytes; kMalformed above kMaxRemainingLength.
  [[nodiscard]] Result<void> varint(uint32_t value, std::string_view field);

 private:
  std::vector<uint8_t>& out_;
  std::string_view packet_;
};

// Appends a whole packet to `out`: `first_byte` (type << 4 | flags), the remaining length, then
// `body`. kMalformed when the body exceeds kMaxRemainingLength; `out` is unchanged then.
[[nodiscard]] Result<void> append_packet(std::vector<uint8_t>& out, uint8_t first_byte,
                                         std::span<const uint8_t> body, std::string_view packet);

}  // namespace autograph::mqtt
