// SocketCanControl: configuring a CAN controller through libsocketcan (netlink), used only when
// the configuration asks for it: set the bitrate before bringing a bus up, and restart a
// controller that went bus-off.
//
// Both need CAP_NET_ADMIN and a real CAN controller driver (can-dev); virtual interfaces (vcan)
// have no bitrate and refuse. The calls block briefly on a netlink round trip: call them from
// the reactor's retry path, not per frame. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "autograph/result.hpp"

namespace autograph::can {

class SocketCanControl {
 public:
  // Sets the nominal bitrate of `interface` in bit/s (the interface must be down). Returns
  // kFailedPrecondition naming the interface and bitrate when the kernel refuses (no such
  // interface, not a CAN controller, interface up, bitrate not possible, no CAP_NET_ADMIN).
  [[nodiscard]] static Result<void> set_bitrate(const std::string& interface, uint32_t bitrate);

  // Brings `interface` up (after set_bitrate()). Returns kFailedPrecondition naming the
  // interface when the kernel refuses (no such interface, no bitrate set, no CAP_NET_ADMIN).
  [[nodiscard]] static Result<void> start(const std::string& interface);

  // Restarts the controller of `interface` after bus-off. Returns kUnavailable naming the
  // interface when the kernel refuses (not bus-off, not a CAN controller, no CAP_NET_ADMIN):
  // try again after the next back-off.
  [[nodiscard]] static Result<void> restart(const std::string& interface);
};

}  // namespace autograph::can
