// The session's pure parts: reconnect back-off and the in-flight window.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "mqtt/inflight_window.hpp"
#include "mqtt/keep_alive.hpp"
#include "mqtt/reconnect_backoff.hpp"

namespace autograph::mqtt {
namespace {

using std::chrono::milliseconds;

TEST(ReconnectBackoff, DoublesWithJitterUpToTheCapAndRestartsAfterReset) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  ReconnectBackoff backoff({milliseconds(100), milliseconds(1000)}, seed);
  const int64_t bases[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (int64_t base : bases) {
    const auto delay = backoff.next().count();
    EXPECT_GE(delay, base / 2);
    EXPECT_LE(delay, base);
  }
  backoff.reset();
  EXPECT_LE(backoff.next().count(), 100);
}

TEST(ReconnectBackoff, SpreadsDelaysAcrossDevices) {
  std::set<int64_t> delays;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ReconnectBackoff backoff({milliseconds(1000), milliseconds(60000)}, seed);
    delays.insert(backoff.next().count());
  }
  EXPECT_GT(delays.size(), 10u);
}

TEST(ReconnectBackoffDeathTest, AbortsOnAnInitialDelayAboveTheCap) {
  EXPECT_DEATH(ReconnectBackoff({milliseconds(10), milliseconds(5)}, 1), "initial <= max");
}

TEST(KeepAlive, PingsAfterTheIntervalWithoutSendingAndTimesOutWithoutAnAnswer) {
  using std::chrono::seconds;
  const KeepAlive::TimePoint t0{};
  KeepAlive keep_alive(seconds(10), milliseconds(3000));
  keep_alive.restart(t0);
  EXPECT_EQ(keep_alive.due(t0 + seconds(9)), KeepAlive::Due::kNothing);
  keep_alive.on_sent(t0 + seconds(9));  // sending postpones the ping
  EXPECT_EQ(keep_alive.due(t0 + seconds(18)), KeepAlive::Due::kNothing);
  EXPECT_EQ(keep_alive.next_deadline(), t0 + seconds(19));
  EXPECT_EQ(keep_alive.due(t0 + seconds(19)), KeepAlive::Due::kSendPing);
  EXPECT_EQ(keep_alive.next_deadline(), t0 + seconds(22));
  EXPECT_EQ(keep_alive.due(t0 + seconds(21)), KeepAlive::Due::kNothing);
  keep_alive.on_pingresp();
  EXPECT_EQ(keep_alive.due(t0 + seconds(28)), KeepAlive::Due::kNothing);
  EXPECT_EQ(keep_alive.due(t0 + seconds(29)), KeepAlive::Due::kSendPing);
  EXPECT_EQ(keep_alive.due(t0 + seconds(32)), KeepAlive::Due::kTimedOut);
}

TEST(KeepAlive, NeverPingsWhenTurnedOff) {
  KeepAlive keep_alive(std::chrono::seconds(0), milliseconds(1000));
  keep_alive.restart({});
  EXPECT_EQ(keep_alive.due(KeepAlive::TimePoint{} + std::chrono::hours(24)),
            KeepAlive::Due::kNothing);
  EXPECT_FALSE(keep_alive.next_deadline().has_value());
}

TEST(InflightWindow, AllocatesDistinctIdsAndAcknowledgesOutOfOrder) {
  InflightWindow window(3);
  const uint16_t a = window.add({"t", {}, 1, false, false, 0});
  const uint16_t b = window.add({"t", {}, 1, false, false, 0});
  const uint16_t reserved = window.reserve();
  const uint16_t c = window.add({"t", {}, 1, false, false, 0});
  EXPECT_EQ(std::set<uint16_t>({a, b, c, reserved}).size(), 4u);
  EXPECT_TRUE(window.full());
  EXPECT_TRUE(window.ack(b));
  EXPECT_FALSE(window.ack(b));
  EXPECT_FALSE(window.ack(reserved));
  ASSERT_EQ(window.entries().size(), 2u);
  EXPECT_EQ(window.entries()[0].packet.packet_id, a);
  EXPECT_EQ(window.entries()[1].packet.packet_id, c);
}

TEST(InflightWindow, WrapsAroundSkippingZeroAndIdsInUse) {
  InflightWindow window(2);
  const uint16_t held = window.add({"t", {}, 1, false, false, 0});
  std::set<uint16_t> seen;
  for (int i = 0; i < 70000; ++i) {
    const uint16_t id = window.add({"t", {}, 1, false, false, 0});
    EXPECT_NE(id, 0);
    EXPECT_NE(id, held);
    seen.insert(id);
    ASSERT_TRUE(window.ack(id));
  }
  EXPECT_EQ(seen.size(), 65534u);
}

TEST(InflightWindowDeathTest, AbortsWhenAddingToAFullWindow) {
  InflightWindow window(1);
  window.add({"t", {}, 1, false, false, 0});
  EXPECT_DEATH(window.add({"t", {}, 1, false, false, 0}), "full in-flight window");
}

}  // namespace
}  // namespace autograph::mqtt
