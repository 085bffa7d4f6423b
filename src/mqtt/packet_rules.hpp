// Rules several packet codecs share: fixed-header flags fixed by the specification, packets that
// are only a packet identifier (PUBACK, UNSUBACK) and packets with no body (PINGREQ, PINGRESP,
// DISCONNECT).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "autograph/result.hpp"

namespace autograph::mqtt {

// ok when `flags` equals `expected`, else kMalformed naming `packet`.
[[nodiscard]] Result<void> expect_flags(std::string_view packet, uint8_t flags, uint8_t expected);

// ok when `id` is not 0 (section 2.3.1: a packet identifier is non-zero), else kMalformed.
[[nodiscard]] Result<void> expect_packet_id(std::string_view packet, uint16_t id);

// Decodes a body of exactly a non-zero two-byte packet identifier with flags 0. kMalformed for
// other flags, a remaining length other than 2, or id 0.
[[nodiscard]] Result<uint16_t> decode_packet_id_only(std::string_view packet, uint8_t flags,
                                                     std::span<const uint8_t> body);

// ok for flags 0 and an empty body, else kMalformed.
[[nodiscard]] Result<void> decode_empty(std::string_view packet, uint8_t flags,
                                        std::span<const uint8_t> body);

}  // namespace autograph::mqtt
