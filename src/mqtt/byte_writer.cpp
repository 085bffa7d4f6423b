#include "mqtt/byte_writer.hpp"

#include <string>

#include "mqtt/byte_reader.hpp"

namespace autograph::mqtt {

void ByteWriter::u8(uint8_t value) { out_.push_back(value); }

void ByteWriter::u16(uint16_t value) {
  out_.push_back(static_cast<uint8_t>(value >> 8));
  out_.push_back(static_cast<uint8_t>(value & 0xFF));
}

void ByteWriter::bytes(std::span<const uint8_t> data) {
  out_.insert(out_.end(), data.begin(), data.end());
}

Result<void> ByteWriter::utf8(std::string_view text, std::string_view field) {
  if (std::string problem = mqtt_utf8_problem(text); !problem.empty()) {
    return fail(ErrorCode::kMalformed, "{}: {}: {}", packet_, field, problem);
  }
  u16(static_cast<uint16_t>(text.size()));
  bytes({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  return {};
}

Result<void> ByteWriter::binary(std::span<const uint8_t> data, std::string_view field) {
  if (data.size() > 65535) {
    return fail(ErrorCode::kMalformed, "{}: {}: {} bytes exceed 65535", packet_, field,
                data.size());
  }
  u16(static_cast<uint16_t>(data.size()));
  bytes(data);
  return {};
}

Result<void> ByteWriter::varint(uint32_t value, std::string_view field) {
  if (value > kMaxRemainingLength) {
    return fail(ErrorCode::kMalformed, "{}: {}: {} exceeds {}", packet_, field, value,
                kMaxRemainingLength);
  }
  do {
    auto byte = static_cast<uint8_t>(value % 128);
    value /= 128;
    if (value > 0) {
      byte |= 0x80;
    }
    out_.push_back(byte);
  } while (value > 0);
  return {};
}

Result<void> append_packet(std::vector<uint8_t>& out, uint8_t first_byte,
                           std::span<const uint8_t> body, std::string_view packet) {
  if (body.size() > kMaxRemainingLength) {
    return fail(ErrorCode::kMalformed, "{}: remaining length {} exceeds {}", packet, body.size(),
                kMaxRemainingLength);
  }
  ByteWriter writer(out, packet);
  writer.u8(first_byte);
  if (auto ok = writer.varint(static_cast<uint32_t>(body.size()), "remaining length"); !ok) {
    return ok;
  }
  writer.bytes(body);
  return {};
}

}  // namespace autograph::mqtt
