// The OBD-II poller against the ECU simulator (tests/obd/scenario.txt) on vcan0, in the QEMU
// guest: discovery, polling, the VIN, the multi-PID refusal and its fallback, a slow ECU, a
// silent ECU backed off and reported, and a raw listener's proof that nothing but service 01, 03
// and 09 requests and flow control left the tester.
//
//   obd_vm_test <ecu_simulator> <scenario> [<29-bit scenario>] [gtest flags]
//   (ctest runs it through tests/vm/run)
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_poller.hpp"
#include "autograph/can/obd_response.hpp"
#include "obd/obd_vm_support.hpp"

namespace autograph::obd_vm {
namespace {

using can::CanFrame;

struct Heard {
  std::map<std::pair<uint32_t, uint8_t>, double> values;  // (answering ID, PID) -> last value
  std::string vin;
  std::map<uint32_t, std::vector<std::string>> dtcs;  // answering ID -> stored DTCs
  int frames = 0;
};

void record(const CanFrame& frame, Heard& heard) {
  ++heard.frames;
  const Result<can::ObdResponse> response =
      can::parse_obd_response(std::span<const uint8_t>(frame.data, frame.len));
  ASSERT_TRUE(response.has_value()) << response.error().message();
  if (response->negative) {
    return;
  }
  if (response->service == 0x01) {
    std::array<can::ObdPidRecord, 6> records;
    const Result<size_t> n = can::split_obd_current_data(response->body, records);
    ASSERT_TRUE(n.has_value()) << n.error().message();
    for (size_t i = 0; i < *n; ++i) {
      if (const can::ObdPid* pid = can::find_obd_pid(records[i].pid)) {
        heard.values[{frame.id, records[i].pid}] = pid->decode(records[i].data);
      }
    }
  } else if (response->service == 0x09) {
    heard.vin = std::string(can::parse_obd_info_text(response->body, 0x02).value());
  } else {
    std::array<can::ObdDtc, 8> codes;
    const size_t n = can::parse_obd_stored_dtcs(response->body, codes).value();
    std::vector<std::string>& list = heard.dtcs[frame.id];
    list.clear();
    for (size_t i = 0; i < n; ++i) {
      list.emplace_back(codes[i].data(), codes[i].size());
    }
  }
}

// Every frame the tester may put on the bus: a single frame on 0x7DF or 0x7E0..0x7E7 whose
// service is 01, 03 or 09, or a flow control frame on 0x7E0..0x7E7.
void expect_only_allowed_requests(const std::vector<can_frame>& frames, int& requests) {
  for (const can_frame& f : frames) {
    const canid_t id = f.can_id;
    if (id >= 0x7E8 && id <= 0x7EF) {
      continue;  // the simulated ECUs
    }
    ASSERT_TRUE(id == 0x7DF || (id >= 0x7E0 && id <= 0x7E7)) << "frame on ID " << id;
    ASSERT_EQ(f.len, 8) << "unpadded frame on " << id;
    const int pci = f.data[0] >> 4;
    if (pci == 3) {
      EXPECT_NE(id, 0x7DFu) << "flow control on the functional address";
      continue;
    }
    ASSERT_EQ(pci, 0) << "multi-frame request on " << id;
    ASSERT_TRUE(f.data[1] == 0x01 || f.data[1] == 0x03 || f.data[1] == 0x09)
        << "service " << int{f.data[1]} << " on " << id;
    ++requests;
  }
}

TEST(ObdPollerInGuest, PollsTheSimulatedEcusAndSendsOnlyAllowedRequests) {
  AG_SKIP_WITHOUT_ISOTP("vcan0");
  RawCan listener("vcan0");
  Simulator simulator("vcan0", g_scenario);
  ASSERT_TRUE(simulator.ready());

  can::ObdPollerOptions options;
  options.interface = "vcan0";
  options.scheduler.min_request_gap_ms = 20;
  options.scheduler.response_timeout_ms = 150;
  options.scheduler.backoff_initial_ms = 1'500;
  options.scheduler.dtc_interval_ms = 3'000;
  Result<can::ObdPoller> poller = can::ObdPoller::open(options);
  ASSERT_TRUE(poller.has_value()) << poller.error().message();
  poller->set_policy({true, {0x0C, 0x0D, 0x05, 0x2F, 0xA6, 0x46, 0x42, 0x5B, 0x04}, 250});

  Heard heard;
  std::vector<can_frame> bus;
  drive(
      *poller, 8'000, [&](const CanFrame& frame) { record(frame, heard); },
      [&] {
        const std::vector<can_frame> more = listener.drain();
        bus.insert(bus.end(), more.begin(), more.end());
      });
  const std::string simulator_log = simulator.stop();
  const std::vector<can_frame> rest = listener.drain();
  bus.insert(bus.end(), rest.begin(), rest.end());

  const can::ObdScheduler& s = poller->scheduler();
  EXPECT_TRUE(s.ecu_present(0));
  EXPECT_TRUE(s.ecu_present(1));
  EXPECT_TRUE(s.ecu_present(2));
  EXPECT_FALSE(s.ecu_present(3));
  EXPECT_EQ(s.counters().unsupported, 1u);  // 0x04: no simulated ECU has it

  // Values, decoded by the J1979 formulas, from the ECU that has them.
  EXPECT_EQ((heard.values[{0x7E8, 0x0C}]), 1726.0);
  EXPECT_EQ((heard.values[{0x7E8, 0x0D}]), 50.0);
  EXPECT_EQ((heard.values[{0x7E8, 0x05}]), 83.0);
  EXPECT_EQ((heard.values[{0x7E8, 0x2F}]), 80.0);
  EXPECT_EQ((heard.values[{0x7E8, 0xA6}]), 12345.6);
  // The slow ECU that refuses multi-PID requests, asked one PID at a time.
  EXPECT_EQ((heard.values[{0x7E9, 0x46}]), 20.0);
  EXPECT_EQ((heard.values[{0x7E9, 0x42}]), 13.835);
  EXPECT_TRUE(s.single_pid_mode(1));
  EXPECT_EQ(s.counters().multi_pid_refusals, 1u);
  EXPECT_EQ(poller->counters().negative, 1u);

  // The VIN came in a multi-frame answer, once in this ignition cycle.
  EXPECT_EQ(heard.vin, "KMHK381GFMU123456");
  EXPECT_TRUE(s.vin_known());
  // Stored DTCs from every ECU that answers the functional 03: two from the engine, none from
  // the slow ECU; the silent one does not answer.
  EXPECT_EQ(heard.dtcs[0x7E8], (std::vector<std::string>{"P0133", "U0100"}));
  EXPECT_TRUE(heard.dtcs.count(0x7E9) == 1 && heard.dtcs[0x7E9].empty());
  EXPECT_EQ(heard.dtcs.count(0x7EA), 0u);

  // The silent ECU: its PID failed, was backed off, and the failures are counted against it.
  EXPECT_EQ(heard.values.count({0x7EA, 0x5B}), 0u);
  EXPECT_TRUE(s.backed_off(0x5B));
  EXPECT_GE(s.ecu_failures(2), 3u);
  EXPECT_GE(s.ecu_backoffs(2), 1u);
  EXPECT_EQ(s.ecu_failures(0), 0u);
  EXPECT_EQ(s.counters().ignition_cycles, 1u);
  EXPECT_EQ(poller->counters().isotp_errors, 0u) << poller->last_error();

  int requests = 0;
  expect_only_allowed_requests(bus, requests);
  EXPECT_EQ(static_cast<uint64_t>(requests), poller->counters().sent);
  EXPECT_GT(requests, 20);
  std::printf("%d requests, %d answers in 8 s; simulator log:\n%s", requests, heard.frames,
              simulator_log.c_str());
}

}  // namespace
}  // namespace autograph::obd_vm

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc >= 3) {
    autograph::obd_vm::g_simulator = argv[1];
    autograph::obd_vm::g_scenario = argv[2];
    if (argc >= 4) {
      autograph::obd_vm::g_scenario29 = argv[3];
    }
  } else {
    std::fprintf(
        stderr,
        "usage: obd_vm_test <ecu_simulator> <scenario> [<29-bit scenario>] [gtest flags]\n");
    return 2;
  }
  return RUN_ALL_TESTS();
}
