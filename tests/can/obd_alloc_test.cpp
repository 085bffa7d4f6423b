// Steady-state OBD polling allocates nothing: the scheduler planning requests and taking
// answers, the encoder, the response parser and the split into per-PID frames, over a simulated
// minute with a refusing ECU, a silent one and back-offs.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "autograph/can/obd_bus.hpp"
#include "autograph/can/obd_request.hpp"
#include "autograph/can/obd_response.hpp"
#include "autograph/can/obd_scheduler.hpp"
#include "support/allocation_counter.hpp"

namespace autograph::can {
namespace {

// Answers for a three-ECU vehicle, built before counting: ECU 0 answers everything, ECU 1 refuses
// multi-PID requests, ECU 2 only answers discovery.
struct Answers {
  std::array<uint8_t, 32> buffer{};
  size_t size = 0;
};

// Writes ECU `ecu`'s answer to `request` into `out`; false when it stays silent. No allocation.
bool answer(int ecu, const ObdPlannedRequest& request, Answers& out) {
  out.size = 0;
  auto put = [&](uint8_t b) { out.buffer[out.size++] = b; };
  if (request.service == 0x01) {
    if (ecu == 1 && request.pid_count > 1) {
      put(0x7F), put(0x01), put(0x12);
      return true;
    }
    put(0x41);
    for (const uint8_t pid : request.pid_span()) {
      if (pid == 0x00) {
        put(0x00);
        const uint8_t bitmaps[3][4] = {
            {0x00, 0x18, 0x00, 0x00}, {0x08, 0x02, 0, 0}, {0, 0, 0, 0x02}};
        for (const uint8_t b : bitmaps[ecu]) {
          put(b);
        }
      } else if (ecu != 2 && (pid & 0x1F) != 0) {
        put(pid);
        put(0x20);
        if (pid == 0x0C) {
          put(0x10);
        }
      }
    }
    return out.size > 1;
  }
  if (request.service == 0x03 && ecu == 0) {
    put(0x43), put(0x01), put(0x01), put(0x33);
    return true;
  }
  if (request.service == 0x09 && ecu == 0) {
    put(0x49), put(0x02), put(0x01);
    for (const char c : "KMHK381GFMU123456") {
      if (c != '\0') {
        put(static_cast<uint8_t>(c));
      }
    }
    return true;
  }
  return false;
}

TEST(ObdAlloc, SteadyStatePollingAllocatesNothing) {
  ObdSchedulerConfig config;
  config.backoff_initial_ms = 2'000;
  config.dtc_interval_ms = 5'000;
  ObdScheduler scheduler(config);
  scheduler.set_policy(ObdPollingRule{true, {0x0C, 0x0D, 0x05, 0x0F, 0x1F}, 200});
  Answers answers;
  std::array<uint8_t, kMaxObdRequestSize> payload{};
  std::array<CanFrame, 6> frames;
  uint64_t sent = 0;
  uint64_t split = 0;
  size_t before = 0;
  for (int64_t now = 0; now < 120'000; now += 5) {
    if (now == 60'000) {
      before = ::autograph::testing::allocation_count();  // after a minute of warm-up
    }
    const std::optional<ObdPlannedRequest> request = scheduler.next_request(now);
    if (!request) {
      continue;
    }
    ASSERT_TRUE(encode_obd_request(request->service, request->pid_span(), payload).has_value());
    ++sent;
    for (int ecu = 0; ecu < 3; ++ecu) {
      if ((request->ecu >= 0 && request->ecu != ecu) || !answer(ecu, *request, answers)) {
        continue;
      }
      const std::span<const uint8_t> message(answers.buffer.data(), answers.size);
      const Result<ObdResponse> response = parse_obd_response(message);
      ASSERT_TRUE(response.has_value());
      scheduler.on_response(ecu, *response, now + 2);
      CanFrame frame;
      frame.len = static_cast<uint8_t>(answers.size);
      std::copy(message.begin(), message.end(), frame.data);
      split += split_obd_answer(frame, frames);
    }
  }
  EXPECT_EQ(::autograph::testing::allocation_count() - before, 0u);
  EXPECT_GT(sent, 300u);
  EXPECT_GT(split, 300u);
  EXPECT_TRUE(scheduler.single_pid_mode(1));
  EXPECT_GT(scheduler.ecu_backoffs(2), 0u);
  // The counter does see allocations.
  const size_t probe = ::autograph::testing::allocation_count();
  std::vector<int> allocates(16);
  EXPECT_GT(::autograph::testing::allocation_count(), probe);
}

}  // namespace
}  // namespace autograph::can
