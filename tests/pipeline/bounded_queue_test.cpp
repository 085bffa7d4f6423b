#include "pipeline/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace autograph::pipeline {
namespace {

TEST(BoundedQueue, RefusesAndCountsWhenFullWithoutBlocking) {
  BoundedQueue<std::string> queue(2);
  std::string a = "a", b = "b", c = "c";
  EXPECT_TRUE(queue.try_push(a));
  EXPECT_TRUE(queue.try_push(b));
  EXPECT_FALSE(queue.try_push(c));
  EXPECT_EQ(c, "c") << "a refused item stays with the producer";
  EXPECT_EQ(queue.overflow_count(), 1u);
  EXPECT_EQ(queue.size(), 2u);
  std::string out;
  ASSERT_TRUE(queue.try_pop(out));
  EXPECT_EQ(out, "a");
  EXPECT_TRUE(queue.try_push(c));
  ASSERT_TRUE(queue.try_pop(out));
  EXPECT_EQ(out, "b");
  ASSERT_TRUE(queue.try_pop(out));
  EXPECT_EQ(out, "c");
  EXPECT_FALSE(queue.try_pop(out));
  EXPECT_EQ(queue.overflow_count(), 1u);
}

TEST(BoundedQueue, WrapsAroundManyTimesInOrder) {
  BoundedQueue<uint64_t> queue(3);
  uint64_t next_out = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    uint64_t item = i;
    ASSERT_TRUE(queue.try_push(item));
    if (i % 2 == 1) {
      for (int k = 0; k < 2; ++k) {
        uint64_t out = 0;
        ASSERT_TRUE(queue.try_pop(out));
        ASSERT_EQ(out, next_out++);
      }
    }
  }
  EXPECT_EQ(queue.overflow_count(), 0u);
}

// Two threads at full speed: every item either arrives, in order, or is counted as overflow.
// Run under the tsan preset to check the memory ordering.
TEST(BoundedQueue, ProducerAndConsumerThreadsLoseNothingUncounted) {
  constexpr uint64_t kItems = 200'000;
  BoundedQueue<std::vector<uint64_t>> queue(16);
  uint64_t refused = 0;
  std::thread producer([&] {
    for (uint64_t i = 0; i < kItems; ++i) {
      std::vector<uint64_t> item{i, i * 3};
      if (!queue.try_push(item)) {
        ++refused;
      }
    }
  });
  uint64_t received = 0;
  uint64_t last = 0;
  bool ordered = true;
  bool intact = true;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::vector<uint64_t> out;
  bool producer_done = false;
  while (std::chrono::steady_clock::now() < give_up) {
    if (queue.try_pop(out)) {
      ordered = ordered && (received == 0 || out[0] > last);
      intact = intact && out.size() == 2 && out[1] == out[0] * 3;
      last = out[0];
      ++received;
    } else if (producer_done) {
      break;
    } else if (received + queue.overflow_count() >= kItems) {
      producer_done = true;  // one more pass drains what is left
    }
  }
  producer.join();
  while (queue.try_pop(out)) {
    ++received;
  }
  EXPECT_TRUE(ordered);
  EXPECT_TRUE(intact);
  EXPECT_EQ(queue.overflow_count(), refused);
  EXPECT_EQ(received + refused, kItems);
}

TEST(BoundedQueueDeathTest, AbortsOnZeroCapacity) {
  EXPECT_DEATH(BoundedQueue<int>(0), "capacity");
}

}  // namespace
}  // namespace autograph::pipeline
