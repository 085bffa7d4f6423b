#include "mqtt/inflight_window.hpp"

#include <algorithm>

#include "autograph/check.hpp"

namespace autograph::mqtt {

InflightWindow::InflightWindow(size_t capacity) : capacity_(capacity) {
  AG_CHECK(capacity >= 1 && capacity <= 65000, "in-flight capacity must be 1..65000");
}

bool InflightWindow::in_use(uint16_t packet_id) const {
  if (reserved_.count(packet_id) != 0) {
    return true;
  }
  return std::any_of(entries_.begin(), entries_.end(),
                     [packet_id](const Entry& e) { return e.packet.packet_id == packet_id; });
}

uint16_t InflightWindow::allocate() {
  // Terminates: at most capacity + 1,000 of the 65,535 identifiers are in use.
  while (true) {
    const uint16_t id = next_id_;
    next_id_ = next_id_ == 65535 ? 1 : static_cast<uint16_t>(next_id_ + 1);
    if (!in_use(id)) {
      return id;
    }
  }
}

uint16_t InflightWindow::add(PublishPacket packet) {
  AG_CHECK(!full(), "add() on a full in-flight window");
  packet.packet_id = allocate();
  const uint16_t id = packet.packet_id;
  entries_.push_back(Entry{std::move(packet), false});
  return id;
}

bool InflightWindow::ack(uint16_t packet_id) {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [packet_id](const Entry& e) {
    return e.packet.packet_id == packet_id;
  });
  if (it == entries_.end()) {
    return false;
  }
  entries_.erase(it);
  return true;
}

uint16_t InflightWindow::reserve() {
  AG_CHECK(reserved_.size() < 1000, "too many SUBSCRIBE/UNSUBSCRIBE packets outstanding");
  const uint16_t id = allocate();
  reserved_.insert(id);
  return id;
}

void InflightWindow::release(uint16_t packet_id) { reserved_.erase(packet_id); }

}  // namespace autograph::mqtt
