// Packet: any MQTT 3.1.1 control packet this client encodes or decodes.
#pragma once

#include <variant>

#include "mqtt/connack_packet.hpp"
#include "mqtt/connect_packet.hpp"
#include "mqtt/disconnect_packet.hpp"
#include "mqtt/pingreq_packet.hpp"
#include "mqtt/pingresp_packet.hpp"
#include "mqtt/puback_packet.hpp"
#include "mqtt/publish_packet.hpp"
#include "mqtt/suback_packet.hpp"
#include "mqtt/subscribe_packet.hpp"
#include "mqtt/unsuback_packet.hpp"
#include "mqtt/unsubscribe_packet.hpp"

namespace autograph::mqtt {

using Packet = std::variant<ConnectPacket, ConnackPacket, PublishPacket, PubackPacket,
                            SubscribePacket, SubackPacket, UnsubscribePacket, UnsubackPacket,
                            PingreqPacket, PingrespPacket, DisconnectPacket>;

// The packet's name as the specification writes it ("PUBLISH").
std::string_view packet_name(const Packet& packet) noexcept;

// Appends any packet through its codec's encoder; errors as that encoder's.
[[nodiscard]] Result<void> encode_packet(const Packet& packet, std::vector<uint8_t>& out);

}  // namespace autograph::mqtt
