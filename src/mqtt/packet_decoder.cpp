#include "mqtt/packet_decoder.hpp"

#include "autograph/check.hpp"
#include "mqtt/byte_reader.hpp"
#include "mqtt/packet_type.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

template <typename T>
Result<Packet> as_packet(Result<T> decoded) {
  if (!decoded) {
    return tl::unexpected(decoded.error());
  }
  return Packet(std::move(*decoded));
}

}  // namespace

Result<Packet> decode_body(uint8_t type, uint8_t flags, std::span<const uint8_t> body) {
  switch (static_cast<PacketType>(type)) {
    case PacketType::kConnect:
      return as_packet(decode_connect(flags, body));
    case PacketType::kConnack:
      return as_packet(decode_connack(flags, body));
    case PacketType::kPublish:
      return as_packet(decode_publish(flags, body));
    case PacketType::kPuback:
      return as_packet(decode_puback(flags, body));
    case PacketType::kSubscribe:
      return as_packet(decode_subscribe(flags, body));
    case PacketType::kSuback:
      return as_packet(decode_suback(flags, body));
    case PacketType::kUnsubscribe:
      return as_packet(decode_unsubscribe(flags, body));
    case PacketType::kUnsuback:
      return as_packet(decode_unsuback(flags, body));
    case PacketType::kPingreq:
      return as_packet(decode_pingreq(flags, body));
    case PacketType::kPingresp:
      return as_packet(decode_pingresp(flags, body));
    case PacketType::kDisconnect:
      return as_packet(decode_disconnect(flags, body));
    case PacketType::kPubrec:
    case PacketType::kPubrel:
    case PacketType::kPubcomp:
      return fail(ErrorCode::kMalformed, "{}: QoS 2 flow packet, but QoS 2 was never requested",
                  packet_name(type));
  }
  return fail(ErrorCode::kMalformed, "fixed header: reserved packet type {}", type);
}

Result<Packet> decode_packet(std::span<const uint8_t> bytes) {
  if (bytes.empty()) {
    return fail(ErrorCode::kMalformed, "fixed header: empty input");
  }
  const uint8_t type = bytes[0] >> 4;
  const std::string_view name = packet_name(type);
  MQTT_TRY_ASSIGN(const std::optional<VarInt> length, peek_varint(bytes.subspan(1), name));
  if (!length) {
    return fail(ErrorCode::kMalformed, "{}: remaining length: truncated", name);
  }
  const size_t header = 1 + length->size;
  if (bytes.size() - header != length->value) {
    return fail(ErrorCode::kMalformed, "{}: remaining length {} but {} bytes follow the header",
                name, length->value, bytes.size() - header);
  }
  return decode_body(type, bytes[0] & 0x0F, bytes.subspan(header));
}

PacketDecoder::PacketDecoder(size_t max_packet_bytes) : max_packet_bytes_(max_packet_bytes) {
  AG_CHECK(max_packet_bytes >= 2, "max_packet_bytes must be at least 2");
}

void PacketDecoder::feed(std::span<const uint8_t> bytes) {
  // Compact before growing so a long-lived connection doesn't accumulate consumed bytes.
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ > 4096 && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

Result<std::optional<Packet>> PacketDecoder::next() {
  if (error_) {
    return tl::unexpected(*error_);
  }
  const std::span<const uint8_t> pending(buffer_.data() + consumed_, buffer_.size() - consumed_);
  if (pending.empty()) {
    return std::optional<Packet>();
  }
  const uint8_t type = pending[0] >> 4;
  const std::string_view name = packet_name(type);
  auto length = peek_varint(pending.subspan(1), name);
  if (length && *length && (*length)->value > max_packet_bytes_) {
    length = fail(ErrorCode::kMalformed, "{}: remaining length {} exceeds the limit of {} bytes",
                  name, (*length)->value, max_packet_bytes_);
  }
  if (!length) {
    error_ = length.error();
    return tl::unexpected(*error_);
  }
  if (!*length || pending.size() - 1 - (*length)->size < (*length)->value) {
    return std::optional<Packet>();
  }
  const size_t header = 1 + (*length)->size;
  auto packet = decode_body(type, pending[0] & 0x0F, pending.subspan(header, (*length)->value));
  if (!packet) {
    error_ = packet.error();
    return tl::unexpected(*error_);
  }
  consumed_ += header + (*length)->value;
  return std::optional<Packet>(std::move(*packet));
}

void PacketDecoder::reset() {
  buffer_.clear();
  consumed_ = 0;
  error_.reset();
}

}  // namespace autograph::mqtt
