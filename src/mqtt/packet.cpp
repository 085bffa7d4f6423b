#include "mqtt/packet.hpp"

#include <iterator>

namespace autograph::mqtt {
namespace {

struct Encoder {
  std::vector<uint8_t>& out;

  Result<void> operator()(const ConnectPacket& p) const { return encode_connect(p, out); }
  Result<void> operator()(const ConnackPacket& p) const { return encode_connack(p, out); }
  Result<void> operator()(const PublishPacket& p) const { return encode_publish(p, out); }
  Result<void> operator()(const PubackPacket& p) const { return encode_puback(p, out); }
  Result<void> operator()(const SubscribePacket& p) const { return encode_subscribe(p, out); }
  Result<void> operator()(const SubackPacket& p) const { return encode_suback(p, out); }
  Result<void> operator()(const UnsubscribePacket& p) const { return encode_unsubscribe(p, out); }
  Result<void> operator()(const UnsubackPacket& p) const { return encode_unsuback(p, out); }
  Result<void> operator()(const PingreqPacket& p) const {
    encode_pingreq(p, out);
    return {};
  }
  Result<void> operator()(const PingrespPacket& p) const {
    encode_pingresp(p, out);
    return {};
  }
  Result<void> operator()(const DisconnectPacket& p) const {
    encode_disconnect(p, out);
    return {};
  }
};

}  // namespace

std::string_view packet_name(const Packet& packet) noexcept {
  // In the order of the alternatives of Packet.
  constexpr std::string_view kNames[] = {"CONNECT",   "CONNACK",  "PUBLISH",     "PUBACK",
                                         "SUBSCRIBE", "SUBACK",   "UNSUBSCRIBE", "UNSUBACK",
                                         "PINGREQ",   "PINGRESP", "DISCONNECT"};
  static_assert(std::size(kNames) == std::variant_size_v<Packet>);
  return kNames[packet.index()];
}

Result<void> encode_packet(const Packet& packet, std::vector<uint8_t>& out) {
  return std::visit(Encoder{out}, packet);
}

}  // namespace autograph::mqtt
