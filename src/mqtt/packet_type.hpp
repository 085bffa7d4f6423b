// MQTT 3.1.1 control packet types (section 2.2.1) and the rules every packet shares.
#pragma once

#include <cstdint>
#include <string_view>

namespace autograph::mqtt {

enum class PacketType : uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kPubrec = 5,
  kPubrel = 6,
  kPubcomp = 7,
  kSubscribe = 8,
  kSuback = 9,
  kUnsubscribe = 10,
  kUnsuback = 11,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
};

// The packet's name as the specification writes it ("PUBLISH"), or "reserved" for 0 and 15.
constexpr std::string_view packet_name(uint8_t type) noexcept {
  constexpr std::string_view kNames[16] = {"reserved",  "CONNECT",  "CONNACK",     "PUBLISH",
                                           "PUBACK",    "PUBREC",   "PUBREL",      "PUBCOMP",
                                           "SUBSCRIBE", "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
                                           "PINGREQ",   "PINGRESP", "DISCONNECT",  "reserved"};
  return kNames[type & 0x0F];
}

// The first byte of a packet whose flags are fixed by the specification.
constexpr uint8_t first_byte(PacketType type, uint8_t flags = 0) noexcept {
  return static_cast<uint8_t>((static_cast<uint8_t>(type) << 4) | (flags & 0x0F));
}

}  // namespace autograph::mqtt
