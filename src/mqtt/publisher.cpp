#include "mqtt/publisher.hpp"

namespace autograph::mqtt {

Publisher::Publisher(spool::Spool& spool, Session& session, std::string topic)
    : spool_(spool), session_(session), topic_(std::move(topic)) {}

Result<void> Publisher::pump() {
  while (!error_ && session_.can_publish_qos1()) {
    auto next = spool_.next_pending(last_handed_);
    if (!next) {
      error_ = next.error().with_context("publisher: reading the spool");
      break;
    }
    if (!*next) {
      break;
    }
    auto packet_id = session_.publish(topic_, std::move((*next)->bytes), 1);
    if (!packet_id) {
      // The window was checked above, so this is a bad topic: nothing can be published.
      error_ = packet_id.error();
      break;
    }
    in_flight_[*packet_id] = (*next)->id;
    last_handed_ = (*next)->id;
  }
  if (error_) {
    return tl::unexpected(*error_);
  }
  return {};
}

void Publisher::on_puback(uint16_t packet_id) {
  const auto it = in_flight_.find(packet_id);
  if (it == in_flight_.end()) {
    return;
  }
  const uint64_t record = it->second;
  in_flight_.erase(it);
  if (auto acked = spool_.ack(record); !acked) {
    if (!error_) {
      error_ = acked.error().with_context("publisher: acknowledging in the spool");
    }
    return;
  }
  ++acknowledged_;
}

}  // namespace autograph::mqtt
