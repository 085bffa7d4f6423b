// PacketDecoder: frames a byte stream (what arrives on a connection, in pieces of any size) into
// MQTT packets and dispatches each to its codec. It only frames and dispatches; the rules of each
// packet live in its codec file.
//
// A malformed packet (reserved type, bad remaining length, a codec rule broken) is a kMalformed
// Error; after one the stream can't be trusted and the connection must be closed (section 4.8).
// A packet whose remaining length exceeds the configured limit is refused before its bytes are
// buffered, so a peer can't make the client allocate more than the limit.
//
// Thread: owned and used by one thread (the publisher thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "autograph/result.hpp"
#include "mqtt/packet.hpp"

namespace autograph::mqtt {

// Decodes one whole packet: fixed header, remaining length, and exactly that many bytes of
// body. kMalformed when `bytes` holds less or more than one packet, naming which.
[[nodiscard]] Result<Packet> decode_packet(std::span<const uint8_t> bytes);

// Decodes a body of `type` (the fixed header's high nibble) with the fixed header's `flags`.
// kMalformed for reserved types, QoS 2 flow packets (PUBREC, PUBREL, PUBCOMP: this client
// never uses QoS 2) and whatever the codec rejects.
[[nodiscard]] Result<Packet> decode_body(uint8_t type, uint8_t flags,
                                         std::span<const uint8_t> body);

class PacketDecoder {
 public:
  // `max_packet_bytes`: the largest remaining length accepted (>= 2).
  explicit PacketDecoder(size_t max_packet_bytes);

  // Appends bytes received; they are consumed by next().
  void feed(std::span<const uint8_t> bytes);

  // Returns the next whole packet, nullopt when more bytes are needed, or kMalformed. After an
  // error every later call returns the same error until reset().
  [[nodiscard]] Result<std::optional<Packet>> next();

  // Drops buffered bytes and any error (a new connection).
  void reset();

  // Bytes buffered and not yet returned as packets.
  size_t buffered() const noexcept { return buffer_.size() - consumed_; }

 private:
  size_t max_packet_bytes_;
  std::vector<uint8_t> buffer_;
  size_t consumed_ = 0;
  std::optional<Error> error_;
};

}  // namespace autograph::mqtt
