// InflightWindow: QoS 1 messages sent (or waiting to be sent) and not yet acknowledged, and the
// packet identifiers in use.
//
// Bounded: the caller checks full() before add(). Entries stay in the order they were added, so
// that after a reconnect they are resent in their original order (with DUP when they had been
// sent before, section 4.4). Packet identifiers are allocated round-robin over 1..65535,
// skipping identifiers still in use by an entry or reserved for SUBSCRIBE/UNSUBSCRIBE.
//
// Thread: owned and used by one thread (the publisher thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>

#include "mqtt/publish_packet.hpp"

namespace autograph::mqtt {

class InflightWindow {
 public:
  struct Entry {
    PublishPacket packet;  // packet.packet_id is the entry's identifier
    bool sent = false;     // handed to the connection at least once
  };

  // `capacity`: the most QoS 1 messages in flight at once (1..65000).
  explicit InflightWindow(size_t capacity);

  bool full() const noexcept { return entries_.size() >= capacity_; }
  size_t size() const noexcept { return entries_.size(); }
  size_t capacity() const noexcept { return capacity_; }

  // Stores `packet` under a fresh identifier and returns the identifier. AG_CHECKs !full().
  uint16_t add(PublishPacket packet);

  // Removes the entry with `packet_id`. Returns false when there is none (a duplicate or stray
  // PUBACK).
  bool ack(uint16_t packet_id);

  // An identifier for a non-PUBLISH packet, unused until release(); AG_CHECKs that fewer than
  // 1,000 are reserved.
  uint16_t reserve();
  void release(uint16_t packet_id);

  // In the order added; the caller may set `sent` and `packet.dup`.
  std::deque<Entry>& entries() noexcept { return entries_; }

 private:
  uint16_t allocate();
  bool in_use(uint16_t packet_id) const;

  size_t capacity_;
  std::deque<Entry> entries_;
  std::set<uint16_t> reserved_;
  uint16_t next_id_ = 1;
};

}  // namespace autograph::mqtt
