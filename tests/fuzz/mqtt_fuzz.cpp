// Fuzz target: the MQTT packet decoder on arbitrary bytes, as a broker (or anyone on the path
// before TLS verification fails) could send them.
//
// Checks beyond "no crash": the stream decoder fed in pieces agrees with itself, and every packet
// that decodes re-encodes to bytes that decode to the same packet (so the codec never accepts
// what it couldn't produce).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mqtt/packet_decoder.hpp"

namespace {

void check_round_trip(const autograph::mqtt::Packet& packet) {
  std::vector<uint8_t> encoded;
  if (!autograph::mqtt::encode_packet(packet, encoded)) {
    std::abort();  // decoded but can't be encoded: the two sides disagree on a rule
  }
  auto again = autograph::mqtt::decode_packet(encoded);
  if (!again || !(*again == packet)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  // The first byte picks the piece size, so partial-input paths are explored too.
  const size_t piece = 1 + data[0] % 16;
  const std::span<const uint8_t> stream(data + 1, size - 1);
  autograph::mqtt::PacketDecoder decoder(4096);
  for (size_t at = 0; at < stream.size(); at += piece) {
    decoder.feed(stream.subspan(at, std::min(piece, stream.size() - at)));
    while (true) {
      auto packet = decoder.next();
      if (!packet || !*packet) {
        break;
      }
      check_round_trip(**packet);
    }
  }
  auto whole = autograph::mqtt::decode_packet(stream);
  if (whole) {
    check_round_trip(*whole);
  }
  return 0;
}
