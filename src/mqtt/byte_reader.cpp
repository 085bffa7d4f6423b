#include "mqtt/byte_reader.hpp"

namespace autograph::mqtt {

Result<std::optional<VarInt>> peek_varint(std::span<const uint8_t> bytes, std::string_view packet) {
  uint32_t value = 0;
  uint32_t multiplier = 1;
  for (size_t i = 0; i < 4; ++i) {
    if (i >= bytes.size()) {
      return std::optional<VarInt>();
    }
    const uint8_t byte = bytes[i];
    // A continuation byte followed by 0x00 encodes the same value in more bytes than needed;
    // MQTT requires the minimal form, and accepting both would make framing ambiguous.
    if (i > 0 && byte == 0 && (bytes[i - 1] & 0x80) != 0) {
      return fail(ErrorCode::kMalformed,
                  "{}: remaining length: non-minimal variable byte integer (byte {} is 0x00)",
                  packet, i);
    }
    value += (byte & 0x7Fu) * multiplier;
    if ((byte & 0x80) == 0) {
      return std::optional<VarInt>(VarInt{value, i + 1});
    }
    multiplier *= 128;
  }
  return fail(ErrorCode::kMalformed,
              "{}: remaining length: variable byte integer longer than 4 bytes", packet);
}

namespace {

// Length of the UTF-8 sequence starting with `lead`, or 0 for a byte that cannot start one.
size_t sequence_length(uint8_t lead) {
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    return 4;
  }
  return 0;
}

}  // namespace

std::string mqtt_utf8_problem(std::string_view text) {
  if (text.size() > 65535) {
    return fmt::format("string of {} bytes exceeds 65535", text.size());
  }
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = sequence_length(s[i]);
    if (length == 0 || i + length > text.size()) {
      return fmt::format("invalid UTF-8 at byte {}", i);
    }
    if (s[i] == 0) {
      return fmt::format("U+0000 at byte {}", i);
    }
    for (size_t k = 1; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return fmt::format("invalid UTF-8 at byte {}", i + k);
      }
    }
    // Overlong three- and four-byte forms, UTF-16 surrogates and code points past U+10FFFF.
    const bool bad = (s[i] == 0xE0 && s[i + 1] < 0xA0) || (s[i] == 0xED && s[i + 1] >= 0xA0) ||
                     (s[i] == 0xF0 && s[i + 1] < 0x90) || (s[i] == 0xF4 && s[i + 1] >= 0x90);
    if (bad) {
      return fmt::format("invalid UTF-8 at byte {}", i);
    }
    i += length;
  }
  return {};
}

Result<void> ByteReader::need(size_t count, std::string_view field, size_t start) const {
  if (remaining() < count) {
    return fail(ErrorCode::kMalformed, "{}: {} at offset {}: truncated (needs {} bytes, {} left)",
                packet_, field, start, count, remaining());
  }
  return {};
}

Result<uint8_t> ByteReader::u8(std::string_view field) {
  if (auto ok = need(1, field, offset_); !ok) {
    return tl::unexpected(ok.error());
  }
  return bytes_[offset_++];
}

Result<uint16_t> ByteReader::u16(std::string_view field) {
  if (auto ok = need(2, field, offset_); !ok) {
    return tl::unexpected(ok.error());
  }
  const auto value = static_cast<uint16_t>((bytes_[offset_] << 8) | bytes_[offset_ + 1]);
  offset_ += 2;
  return value;
}

Result<std::string> ByteReader::utf8(std::string_view field) {
  const size_t start = offset_;
  auto length = u16(field);
  if (!length) {
    return tl::unexpected(length.error());
  }
  if (auto ok = need(*length, field, start); !ok) {
    return tl::unexpected(ok.error());
  }
  std::string text(reinterpret_cast<const char*>(bytes_.data() + offset_), *length);
  if (std::string problem = mqtt_utf8_problem(text); !problem.empty()) {
    return fail(ErrorCode::kMalformed, "{}: {} at offset {}: {}", packet_, field, start, problem);
  }
  offset_ += *length;
  return text;
}

Result<std::vector<uint8_t>> ByteReader::binary(std::string_view field) {
  const size_t start = offset_;
  auto length = u16(field);
  if (!length) {
    return tl::unexpected(length.error());
  }
  if (auto ok = need(*length, field, start); !ok) {
    return tl::unexpected(ok.error());
  }
  std::vector<uint8_t> data(bytes_.begin() + static_cast<std::ptrdiff_t>(offset_),
                            bytes_.begin() + static_cast<std::ptrdiff_t>(offset_ + *length));
  offset_ += *length;
  return data;
}

std::span<const uint8_t> ByteReader::rest() noexcept {
  auto rest = bytes_.subspan(offset_);
  offset_ = bytes_.size();
  return rest;
}

Result<void> ByteReader::expect_end(std::string_view after_field) const {
  if (remaining() != 0) {
    return fail(ErrorCode::kMalformed, "{}: {} trailing bytes after {} at offset {}", packet_,
                remaining(), after_field, offset_);
  }
  return {};
}

}  // namespace autograph::mqtt
