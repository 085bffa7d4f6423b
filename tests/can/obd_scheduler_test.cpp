// ObdScheduler with a fake clock: discovery, assignment of PIDs to ECUs, the multi-PID refusal,
// back-off of a silent ECU, rate limits, VIN once per ignition cycle, the vehicle falling asleep.
//
// A simulated vehicle answers each planned request 10 ms later, as its ECUs are configured.
#include "autograph/can/obd_scheduler.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <vector>

#include "autograph/can/obd_pid_table.hpp"

namespace autograph::can {
namespace {

struct SimEcu {
  std::map<uint8_t, std::vector<uint8_t>> bitmaps;  // bitmap PID -> 4 bytes
  bool refuses_multi_pid = false;
  bool silent_for_pids = false;  // answers discovery, never a PID request
  bool asleep = false;
  // The poller does not listen to it yet (a 29-bit address outside its slots): its first answer
  // is lost and makes the poller listen (on_new_ecu()) from then on.
  bool unlistened = false;
  const char* vin = nullptr;
};

class Vehicle {
 public:
  std::vector<SimEcu> ecus;
  std::vector<ObdPlannedRequest> log;  // every request, in order
  std::vector<int64_t> times;

  // The answers of every ECU to `request`, as (ecu, payload).
  std::vector<std::pair<int, std::vector<uint8_t>>> answer(const ObdPlannedRequest& request) {
    std::vector<std::pair<int, std::vector<uint8_t>>> out;
    for (int i = 0; i < static_cast<int>(ecus.size()); ++i) {
      const SimEcu& e = ecus[static_cast<size_t>(i)];
      if (e.asleep || (request.ecu >= 0 && request.ecu != i)) {
        continue;
      }
      std::vector<uint8_t> payload = {static_cast<uint8_t>(request.service + 0x40)};
      if (request.service == 0x01) {
        if (e.refuses_multi_pid && request.pid_count > 1) {
          out.push_back({i, {0x7F, 0x01, 0x12}});
          continue;
        }
        for (const uint8_t pid : request.pid_span()) {
          if (is_obd_bitmap_pid(pid) && e.bitmaps.count(pid) != 0) {
            payload.push_back(pid);
            payload.insert(payload.end(), e.bitmaps.at(pid).begin(), e.bitmaps.at(pid).end());
          } else if (!is_obd_bitmap_pid(pid) && !e.silent_for_pids) {
            payload.push_back(pid);
            payload.insert(payload.end(), obd_pid_response_size(pid), 0x40);
          }
        }
        if (payload.size() > 1) {
          out.push_back({i, payload});
        }
      } else if (request.service == 0x09 && e.vin != nullptr) {
        payload.insert(payload.end(), {0x02, 0x01});
        payload.insert(payload.end(), e.vin, e.vin + 17);
        out.push_back({i, payload});
      } else if (request.service == 0x03) {
        payload.push_back(0x00);
        out.push_back({i, payload});
      }
    }
    return out;
  }

  // Runs the scheduler from `from_ms` to `to_ms`; returns the time reached.
  int64_t run(ObdScheduler& scheduler, int64_t from_ms, int64_t to_ms) {
    int64_t now = from_ms;
    for (int steps = 0; steps < 1'000'000 && now < to_ms; ++steps) {
      if (auto request = scheduler.next_request(now)) {
        log.push_back(*request);
        times.push_back(now);
        now += 10;
        for (const auto& [ecu, payload] : answer(*request)) {
          SimEcu& e = ecus[static_cast<size_t>(ecu)];
          if (e.unlistened) {
            e.unlistened = false;
            scheduler.on_new_ecu();
            continue;
          }
          const Result<ObdResponse> response = parse_obd_response(payload);
          EXPECT_TRUE(response.has_value());
          scheduler.on_response(ecu, *response, now);
        }
        continue;
      }
      const std::optional<int64_t> deadline = scheduler.next_deadline_ms();
      now = deadline.has_value() ? std::max(now + 1, *deadline) : to_ms;
    }
    return now;
  }

  size_t count(const std::function<bool(const ObdPlannedRequest&)>& match) const {
    size_t n = 0;
    for (const ObdPlannedRequest& r : log) {
      n += match(r) ? 1 : 0;
    }
    return n;
  }
};

// 0x0C, 0x0D and 0x20 in bitmap 0x00; 0x2F in bitmap 0x20.
SimEcu engine() {
  SimEcu e;
  e.bitmaps[0x00] = {0x00, 0x18, 0x00, 0x01};
  e.bitmaps[0x20] = {0x00, 0x02, 0x00, 0x00};
  e.vin = "KMHK381GFMU123456";
  return e;
}
// 0x05 in bitmap 0x00.
SimEcu transmission() {
  SimEcu e;
  e.bitmaps[0x00] = {0x08, 0x00, 0x00, 0x00};
  return e;
}

ObdPollingRule rule(std::vector<uint8_t> pids, int64_t interval_ms = 1000) {
  return ObdPollingRule{true, std::move(pids), interval_ms};
}

TEST(ObdScheduler, AsksNothingWhilePollingIsDisabled) {
  ObdScheduler scheduler;
  Vehicle car;
  car.ecus = {engine()};
  car.run(scheduler, 0, 10'000);
  EXPECT_TRUE(car.log.empty());
  scheduler.set_policy(ObdPollingRule{false, {0x0D}, 1000});
  car.run(scheduler, 10'000, 20'000);
  EXPECT_TRUE(car.log.empty());
  EXPECT_EQ(scheduler.next_deadline_ms(), std::nullopt);
}

TEST(ObdScheduler, DiscoversEcusAndPollsEachPidFromOneEcu) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C, 0x0D, 0x2F, 0x05, 0x46, 0x0E}));
  EXPECT_EQ(scheduler.counters().undecodable, 1u);  // 0x0E: not in the PID table
  Vehicle car;
  car.ecus = {engine(), transmission()};
  car.run(scheduler, 0, 5'000);
  ASSERT_GE(car.log.size(), 6u);
  // Functional 01 00, then 01 20 (announced by the engine), VIN, DTCs, then physical polls.
  EXPECT_EQ(car.log[0].ecu, -1);
  EXPECT_EQ(car.log[0].pids[0], 0x00);
  EXPECT_EQ(car.log[1].pids[0], 0x20);
  EXPECT_EQ(car.log[2].service, 0x09);
  EXPECT_EQ(car.log[3].service, 0x03);
  std::map<int, std::vector<uint8_t>> first_polls;
  for (const size_t i : {size_t{4}, size_t{5}}) {
    first_polls[car.log[i].ecu].assign(car.log[i].pid_span().begin(), car.log[i].pid_span().end());
  }
  EXPECT_EQ(first_polls[0], (std::vector<uint8_t>{0x0C, 0x0D, 0x2F}));
  EXPECT_EQ(first_polls[1], (std::vector<uint8_t>{0x05}));
  EXPECT_TRUE(scheduler.ecu_present(0));
  EXPECT_TRUE(scheduler.ecu_present(1));
  EXPECT_FALSE(scheduler.ecu_present(2));
  EXPECT_EQ(scheduler.assigned_ecu(0x46), -1);
  EXPECT_EQ(scheduler.counters().unsupported, 1u);  // 0x46: no ECU supports it
  EXPECT_EQ(scheduler.counters().ignition_cycles, 1u);
  EXPECT_TRUE(scheduler.vin_known());
  EXPECT_EQ(car.count([](const auto& r) { return r.service == 0x09; }), 1u);
}

TEST(ObdScheduler, FallsBackToOnePidPerRequestAfterARefusal) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C, 0x0D, 0x2F}));
  Vehicle car;
  car.ecus = {engine()};
  car.ecus[0].refuses_multi_pid = true;
  car.run(scheduler, 0, 3'500);
  EXPECT_TRUE(scheduler.single_pid_mode(0));
  EXPECT_EQ(scheduler.counters().multi_pid_refusals, 1u);
  EXPECT_EQ(scheduler.counters().failures, 0u);
  // After the one refused request, every service 01 request names one PID.
  EXPECT_EQ(car.count([](const auto& r) { return r.ecu == 0 && r.pid_count > 1; }), 1u);
  EXPECT_GE(car.count([](const auto& r) { return r.ecu == 0 && r.pid_count == 1; }), 9u);
}

TEST(ObdScheduler, BacksOffASilentEcuAndReportsIt) {
  ObdSchedulerConfig config;
  config.backoff_initial_ms = 5'000;
  ObdScheduler scheduler(config);
  scheduler.set_policy(rule({0x0C, 0x05}));
  Vehicle car;
  car.ecus = {engine(), transmission()};
  car.ecus[1].silent_for_pids = true;
  car.run(scheduler, 0, 4'000);
  EXPECT_EQ(scheduler.ecu_failures(1), 3u);
  EXPECT_EQ(scheduler.ecu_backoffs(1), 1u);
  EXPECT_TRUE(scheduler.backed_off(0x05));
  EXPECT_FALSE(scheduler.backed_off(0x0C));
  EXPECT_EQ(scheduler.ecu_failures(0), 0u);
  const size_t asked = car.count([](const auto& r) { return r.ecu == 1; });
  EXPECT_EQ(asked, 3u);
  // Backed off for 5 s; each retry that fails doubles the delay (10 s, 20 s, ...), while the
  // engine goes on: failures at about 0.3, 1.3, 2.3, then 7.3, 17.3 and 37.3 s.
  car.run(scheduler, 4'000, 8'500);
  EXPECT_EQ(car.count([](const auto& r) { return r.ecu == 1; }), 4u);
  EXPECT_EQ(scheduler.ecu_backoffs(1), 2u);
  car.run(scheduler, 8'500, 40'000);
  EXPECT_EQ(car.count([](const auto& r) { return r.ecu == 1; }), 6u);
  EXPECT_EQ(scheduler.ecu_backoffs(1), 4u);
  EXPECT_EQ(scheduler.counters().ignition_cycles, 1u);  // no false sleep
  EXPECT_GE(car.count([](const auto& r) { return r.ecu == 0; }), 35u);
}

TEST(ObdScheduler, NeverAsksAPidFasterThanThePolicyNorRequestsCloserThanTheGap) {
  ObdSchedulerConfig config;
  config.min_request_gap_ms = 100;
  config.dtc_interval_ms = 10'000;
  ObdScheduler scheduler(config);
  scheduler.set_policy(rule({0x0C, 0x0D, 0x05}, 500));
  Vehicle car;
  car.ecus = {engine(), transmission()};
  car.run(scheduler, 0, 60'000);
  std::map<uint8_t, int64_t> last;
  for (size_t i = 0; i < car.log.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(car.times[i] - car.times[i - 1], 100) << i;
    }
    if (car.log[i].ecu < 0) {
      continue;
    }
    for (const uint8_t pid : car.log[i].pid_span()) {
      if (last.count(pid) != 0) {
        EXPECT_GE(car.times[i] - last[pid], 500) << "PID " << int{pid};
      }
      last[pid] = car.times[i];
    }
  }
  EXPECT_GE(car.count([](const auto& r) { return r.ecu == 0; }), 110u);
  EXPECT_EQ(car.count([](const auto& r) { return r.service == 0x03; }), 6u);
}

TEST(ObdScheduler, StopsWhenThePolicyDisablesPolling) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C}));
  Vehicle car;
  car.ecus = {engine()};
  car.run(scheduler, 0, 5'000);
  const size_t before = car.log.size();
  scheduler.set_policy(ObdPollingRule{false, {0x0C}, 1000});
  car.run(scheduler, 5'000, 20'000);
  EXPECT_EQ(car.log.size(), before);
  scheduler.set_policy(rule({0x0D}));
  car.run(scheduler, 20'000, 23'000);
  EXPECT_GT(car.log.size(), before);
  EXPECT_EQ(car.log.back().pids[0], 0x0D);
}

TEST(ObdScheduler, RediscoversAfterTheVehicleSleepsAndAsksTheVinAgain) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C}));
  Vehicle car;
  car.ecus = {engine()};
  int64_t t = car.run(scheduler, 0, 5'000);
  EXPECT_EQ(scheduler.counters().ignition_cycles, 1u);
  car.ecus[0].asleep = true;
  t = car.run(scheduler, t, 60'000);
  EXPECT_TRUE(scheduler.discovering());
  EXPECT_GE(scheduler.counters().backoffs, 2u);
  const size_t asleep_requests = car.log.size();
  car.ecus[0].asleep = false;
  car.run(scheduler, t, t + 400'000);
  EXPECT_EQ(scheduler.counters().ignition_cycles, 2u);
  EXPECT_EQ(car.count([](const auto& r) { return r.service == 0x09; }), 2u);
  EXPECT_GT(car.log.size(), asleep_requests);
}

TEST(ObdScheduler, RetriesTheVinWithBackOffUntilAValidOneArrives) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C}));
  Vehicle car;
  car.ecus = {engine()};
  car.ecus[0].vin = "OSEV__ BMS       ";  // text, but not a VIN
  car.run(scheduler, 0, 40'000);
  EXPECT_FALSE(scheduler.vin_known());
  // Asked at 0 s, then after 5, 10 and 20 s.
  EXPECT_EQ(car.count([](const auto& r) { return r.service == 0x09; }), 4u);
}

TEST(ObdScheduler, DiscoversAgainAtOnceWhenAnUnheardEcuAnswersDiscovery) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C, 0x05}));
  Vehicle car;
  car.ecus = {engine(), transmission()};
  car.ecus[1].unlistened = true;
  car.run(scheduler, 0, 2'000);
  // 01 00 (the transmission's answer lost), 01 00 again at once (no back-off), 01 20, then the
  // one ignition cycle: VIN, DTCs, polls of both ECUs.
  ASSERT_GE(car.log.size(), 6u);
  EXPECT_EQ(car.log[0].pids[0], 0x00);
  EXPECT_EQ(car.log[1].pids[0], 0x00);
  EXPECT_LT(car.times[1] - car.times[0], 200);
  EXPECT_EQ(car.log[2].pids[0], 0x20);
  EXPECT_EQ(car.log[3].service, 0x09);
  EXPECT_TRUE(scheduler.ecu_present(1));
  EXPECT_EQ(scheduler.assigned_ecu(0x05), 1);
  EXPECT_EQ(scheduler.counters().ignition_cycles, 1u);
  EXPECT_EQ(scheduler.counters().backoffs, 0u);
  EXPECT_EQ(car.count([](const auto& r) { return r.service == 0x09; }), 1u);
  EXPECT_GE(car.count([](const auto& r) { return r.ecu == 1; }), 1u);
}

TEST(ObdScheduler, DiscoversAgainAtOnceWhenTheOnlyEcuWasUnheard) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C}));
  Vehicle car;
  car.ecus = {engine()};
  car.ecus[0].unlistened = true;
  car.run(scheduler, 0, 1'000);
  // The first window heard nothing, yet discovery is not backed off: asked again at once.
  ASSERT_GE(car.log.size(), 3u);
  EXPECT_EQ(car.log[1].pids[0], 0x00);
  EXPECT_LT(car.times[1] - car.times[0], 200);
  EXPECT_EQ(scheduler.counters().backoffs, 0u);
  EXPECT_TRUE(scheduler.ecu_present(0));
  EXPECT_FALSE(scheduler.discovering());
  EXPECT_EQ(scheduler.counters().ignition_cycles, 1u);
}

TEST(ObdScheduler, AddsAnEcuHeardWhilePollingWithoutANewIgnitionCycle) {
  ObdScheduler scheduler;
  scheduler.set_policy(rule({0x0C, 0x05}));
  Vehicle car;
  car.ecus = {engine(), transmission()};
  car.ecus[1].asleep = true;  // answers nothing until it wakes, after the ignition cycle began
  int64_t t = car.run(scheduler, 0, 3'000);
  EXPECT_EQ(scheduler.assigned_ecu(0x05), -1);
  EXPECT_EQ(scheduler.counters().unsupported, 1u);
  car.ecus[1].asleep = false;
  car.ecus[1].unlistened = true;
  const size_t before = car.log.size();
  // The transmission answers the next functional request (the DTCs, every 60 s) and is heard.
  t = car.run(scheduler, t, 62'000);
  EXPECT_TRUE(scheduler.ecu_present(1));
  EXPECT_EQ(scheduler.assigned_ecu(0x05), 1);
  EXPECT_EQ(scheduler.assigned_ecu(0x0C), 0);  // the engine keeps its PID
  EXPECT_EQ(scheduler.counters().unsupported, 0u);
  EXPECT_EQ(scheduler.counters().ignition_cycles, 1u);
  EXPECT_EQ(car.count([](const auto& r) { return r.service == 0x09; }), 1u);  // VIN not again
  size_t rediscoveries = 0;
  size_t polls_of_the_new_ecu = 0;
  for (size_t i = before; i < car.log.size(); ++i) {
    rediscoveries += car.log[i].ecu < 0 && car.log[i].service == 0x01 ? 1 : 0;
    polls_of_the_new_ecu += car.log[i].ecu == 1 ? 1 : 0;
  }
  EXPECT_EQ(rediscoveries, 2u);  // 01 00 and the engine's 01 20
  EXPECT_GE(polls_of_the_new_ecu, 1u);
  EXPECT_FALSE(scheduler.discovering());
}

}  // namespace
}  // namespace autograph::can
