// BoundedQueue: the queue from the reactor thread to the storage/publisher thread.
//
// Single producer, single consumer, fixed capacity, lock-free. try_push() never blocks and never
// allocates (items are move-assigned into slots made at construction, so a slot that held a
// string before reuses nothing of the new one's but takes over its buffer); when the queue is full
// the item is refused and the overflow counted. The producer must report what it lost (the
// batch's samples go into the stream's next `dropped.queue` and the log): nothing is lost
// silently. Waking the consumer is the caller's business (an eventfd, a timeout).
//
// Thread: exactly one producer thread calls try_push(); exactly one consumer thread calls
// try_pop(); size() and overflow_count() may be read from anywhere (approximate while busy).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "autograph/check.hpp"

namespace autograph::pipeline {

template <typename T>
class BoundedQueue {
 public:
  // `capacity` >= 1 items (else aborts); all slots are default-constructed now.
  explicit BoundedQueue(size_t capacity) : slots_(capacity) {
    AG_CHECK(capacity >= 1, "bounded queue: capacity must be at least 1");
  }
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Producer thread. Moves `item` in and returns true; returns false when full, leaving `item`
  // untouched and counting one overflow.
  bool try_push(T& item) noexcept {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) >= slots_.size()) {
      overflow_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    slots_[tail % slots_.size()] = std::move(item);
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer thread. Moves the oldest item into `out` and returns true; false when empty.
  bool try_pop(T& out) noexcept {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) {
      return false;
    }
    out = std::move(slots_[head % slots_.size()]);
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  size_t capacity() const noexcept { return slots_.size(); }
  // Items queued now.
  size_t size() const noexcept {
    return static_cast<size_t>(tail_.load(std::memory_order_acquire) -
                               head_.load(std::memory_order_acquire));
  }
  // Items refused because the queue was full, since construction.
  uint64_t overflow_count() const noexcept { return overflow_.load(std::memory_order_relaxed); }

 private:
  // Separate cache lines: the producer writes tail_ and overflow_, the consumer head_.
  static constexpr size_t kLine = 64;

  std::vector<T> slots_;
  alignas(kLine) std::atomic<uint64_t> head_{0};  // next to pop; written by the consumer
  alignas(kLine) std::atomic<uint64_t> tail_{0};  // next to push; written by the producer
  std::atomic<uint64_t> overflow_{0};             // written by the producer
};

}  // namespace autograph::pipeline
