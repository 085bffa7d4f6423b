// The OBD-II poller with 29-bit IDs (ISO 15765-4 normal fixed addressing) against the ECU
// simulator (tests/obd/scenario29.txt: the engine at 0x10, the transmission at 0x18) on vcan0, in
// the QEMU guest: functional requests on 0x18DB33F1, answers from 0x18DAF1xx, flow control to
// 0x18DAxxF1; the transmission's address, outside the poller's default slots 0x10..0x17, learned
// from its first answer; values decoded, the VIN, the multi-PID refusal and its fallback, DTCs;
// and a raw listener's proof that nothing but service 01, 03 and 09 requests and flow control
// left the tester.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/can/obd_bus.hpp"
#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_poller.hpp"
#include "autograph/can/obd_response.hpp"
#include "autograph/vss_text_signals.hpp"
#include "daemon/obd_link.hpp"
#include "obd/obd_vm_support.hpp"

namespace autograph::obd_vm {
namespace {

using can::CanFrame;

constexpr uint32_t kEngine = 0x18DAF110u | CanFrame::kEffFlag;
constexpr uint32_t kTransmission = 0x18DAF118u | CanFrame::kEffFlag;

struct Heard29 {
  std::map<std::pair<uint32_t, uint8_t>, double> values;  // (answering ID, PID) -> J1979 value
  std::map<std::string, double> decoded;                  // "PID_0D" -> the decoder's value
  std::string vin;
  std::map<uint32_t, std::vector<std::string>> dtcs;  // answering ID -> stored DTCs
  int answers = 0;
};

// One whole answer of the poller: parsed as the scheduler sees it, and split onto the "obd" bus
// and decoded as the pipeline does.
void record(const CanFrame& answer, can::Decoder& decoder, Heard29& heard) {
  ++heard.answers;
  const Result<can::ObdResponse> response =
      can::parse_obd_response(std::span<const uint8_t>(answer.data, answer.len));
  ASSERT_TRUE(response.has_value()) << response.error().message();
  if (response->negative) {
    return;
  }
  if (response->service == 0x01) {
    std::array<can::ObdPidRecord, 6> records;
    const size_t n = can::split_obd_current_data(response->body, records).value();
    for (size_t i = 0; i < n; ++i) {
      if (const can::ObdPid* pid = can::find_obd_pid(records[i].pid)) {
        heard.values[{answer.id, records[i].pid}] = pid->decode(records[i].data);
      }
    }
    std::array<CanFrame, 6> split;
    const size_t frames = can::split_obd_answer(answer, split);
    std::vector<can::Sample> samples(decoder.max_samples_per_frame());
    for (size_t i = 0; i < frames; ++i) {
      const size_t got = decoder.decode(split[i], samples);
      for (size_t s = 0; s < got; ++s) {
        heard.decoded[decoder.signals()[samples[s].signal].name] = samples[s].as_double();
      }
    }
  } else if (response->service == 0x09) {
    heard.vin = std::string(can::parse_obd_info_text(response->body, 0x02).value());
  } else {
    std::array<can::ObdDtc, 8> codes;
    const size_t n = can::parse_obd_stored_dtcs(response->body, codes).value();
    std::vector<std::string>& list = heard.dtcs[answer.id];
    list.clear();
    for (size_t i = 0; i < n; ++i) {
      list.emplace_back(codes[i].data(), codes[i].size());
    }
  }
}

// What the tester put on the bus, by kind.
struct Sent29 {
  int requests = 0;
  int functional_discoveries = 0;       // functional 01 00
  std::map<uint8_t, int> physical;      // ECU address -> physical requests
  std::map<uint8_t, int> flow_control;  // ECU address -> flow control frames
};

// Every frame the tester may send with 29-bit IDs: a single frame on 0x18DB33F1 or 0x18DAxxF1
// (xx: an ECU that answers) whose service is 01, 03 or 09, or flow control on 0x18DAxxF1.
void expect_only_allowed_requests(const std::vector<can_frame>& frames,
                                  const std::set<uint8_t>& ecus, Sent29& sent) {
  for (const can_frame& f : frames) {
    ASSERT_NE(f.can_id & CAN_EFF_FLAG, 0u) << "an 11-bit frame on " << f.can_id;
    const canid_t id = f.can_id & CAN_EFF_MASK;
    if ((id & 0x1FFFFF00u) == 0x18DAF100u) {
      continue;  // the simulated ECUs
    }
    const bool functional = id == 0x18DB33F1u;
    const auto address = static_cast<uint8_t>(id >> 8);
    ASSERT_TRUE(functional || ((id & 0x1FFF00FFu) == 0x18DA00F1u && ecus.count(address) == 1))
        << "frame on ID " << std::hex << id;
    ASSERT_EQ(f.len, 8) << "unpadded frame on " << std::hex << id;
    const int pci = f.data[0] >> 4;
    if (pci == 3) {
      ASSERT_FALSE(functional) << "flow control on the functional address";
      ++sent.flow_control[address];
      continue;
    }
    ASSERT_EQ(pci, 0) << "multi-frame request on " << std::hex << id;
    ASSERT_TRUE(f.data[1] == 0x01 || f.data[1] == 0x03 || f.data[1] == 0x09)
        << "service " << int{f.data[1]} << " on " << std::hex << id;
    ++sent.requests;
    sent.functional_discoveries += functional && f.data[1] == 0x01 && f.data[2] == 0x00 ? 1 : 0;
    sent.physical[address] += functional ? 0 : 1;
  }
}

TEST(ObdPoller29InGuest, LearnsAnEcuOutsideItsSlotsAndSendsOnlyAllowedRequests) {
  AG_SKIP_WITHOUT_ISOTP("vcan0");
  ASSERT_FALSE(g_scenario29.empty()) << "obd_vm_test takes scenario29.txt as third argument";
  RawCan listener("vcan0");
  Simulator simulator("vcan0", g_scenario29);
  ASSERT_TRUE(simulator.ready());

  can::ObdPollerOptions options;
  options.interface = "vcan0";
  options.extended_ids = true;  // slots at the default addresses 0x10..0x17
  options.scheduler.min_request_gap_ms = 20;
  options.scheduler.response_timeout_ms = 150;
  Result<can::ObdPoller> poller = can::ObdPoller::open(options);
  ASSERT_TRUE(poller.has_value()) << poller.error().message();
  poller->set_policy({true, {0x0C, 0x0D, 0x05, 0x2F, 0xA6, 0x46, 0x42}, 250});
  std::vector<can::Database> buses;
  buses.push_back(can::parse_dbc(can::obd_dbc_text(), "obd.dbc").value());
  can::Decoder decoder = can::Decoder::compile(buses).value();

  Heard29 heard;
  std::vector<can_frame> bus;
  drive(
      *poller, 4'000, [&](const CanFrame& frame) { record(frame, decoder, heard); },
      [&] {
        const std::vector<can_frame> more = listener.drain();
        bus.insert(bus.end(), more.begin(), more.end());
      });
  const std::string simulator_log = simulator.stop();
  const std::vector<can_frame> rest = listener.drain();
  bus.insert(bus.end(), rest.begin(), rest.end());

  // The engine in slot 0 (configured); the transmission's 0x18 learned into the last slot.
  const can::ObdScheduler& s = poller->scheduler();
  EXPECT_EQ(poller->response_id(0), kEngine);
  EXPECT_EQ(poller->response_id(7), kTransmission);
  EXPECT_TRUE(s.ecu_present(0));
  EXPECT_TRUE(s.ecu_present(7));
  for (int ecu = 1; ecu < 7; ++ecu) {
    EXPECT_FALSE(s.ecu_present(ecu)) << ecu;
  }
  EXPECT_EQ(poller->counters().learned_addresses, 1u);
  EXPECT_EQ(poller->counters().unknown_responders, 0u);
  EXPECT_EQ(s.counters().ignition_cycles, 1u);
  EXPECT_EQ(s.counters().unsupported, 0u);

  // Values from the ECU that has them, by the J1979 formulas and through the generated DBC.
  EXPECT_EQ((heard.values[{kEngine, 0x0C}]), 1726.0);
  EXPECT_EQ((heard.values[{kEngine, 0x0D}]), 50.0);
  EXPECT_EQ((heard.values[{kEngine, 0xA6}]), 12345.6);
  EXPECT_EQ((heard.values[{kTransmission, 0x46}]), 20.0);
  EXPECT_EQ((heard.values[{kTransmission, 0x42}]), 13.835);
  EXPECT_EQ(heard.decoded["PID_0D"], 50.0);
  EXPECT_EQ(heard.decoded["PID_05"], 83.0);
  EXPECT_EQ(heard.decoded["PID_A6"], 12345.6);
  EXPECT_EQ(heard.decoded["PID_46"], 20.0);
  EXPECT_NEAR(heard.decoded["PID_42"], 13.835, 1e-12);
  // The learned ECU refuses multi-PID requests: asked one PID at a time after one refusal.
  EXPECT_TRUE(s.single_pid_mode(7));
  EXPECT_EQ(s.counters().multi_pid_refusals, 1u);
  EXPECT_EQ(poller->counters().negative, 1u);
  // Multi-frame answers from both: the VIN from the engine, three DTCs from the transmission.
  EXPECT_EQ(heard.vin, "WVWZZZ1KZAW123456");
  EXPECT_TRUE(s.vin_known());
  EXPECT_EQ(heard.dtcs[kEngine], (std::vector<std::string>{"P0133", "U0100"}));
  EXPECT_EQ(heard.dtcs[kTransmission], (std::vector<std::string>{"P0700", "P0715", "P0420"}));
  EXPECT_EQ(poller->counters().isotp_errors, 0u) << poller->last_error();
  EXPECT_EQ(poller->counters().oversize, 0u);

  Sent29 sent;
  expect_only_allowed_requests(bus, {0x10, 0x18}, sent);
  EXPECT_EQ(static_cast<uint64_t>(sent.requests), poller->counters().sent);
  // The transmission's first answer to 01 00 was lost (no socket listened to 0x18DAF118); the
  // poller learned the address from it and asked 01 00 again at once.
  EXPECT_EQ(sent.functional_discoveries, 2);
  EXPECT_GE(sent.flow_control[0x10], 1);
  EXPECT_GE(sent.flow_control[0x18], 1);
  EXPECT_GE(sent.physical[0x10], 5);
  EXPECT_GE(sent.physical[0x18], 5);
  std::printf("%d requests, %d answers in 4 s; simulator log:\n%s", sent.requests, heard.answers,
              simulator_log.c_str());
}

// Raw single frames from ECU addresses: the seven configured slots 0x10..0x16 heard, 0x18 learned
// into the last slot that heard nothing, then 0x29 and 0x2A find every slot taken: counted and
// reported, and the poller (polling disabled) puts nothing at all on the bus.
TEST(ObdPoller29InGuest, CountsAndReportsEcusThatFindNoSlot) {
  AG_SKIP_WITHOUT_ISOTP("vcan0");
  RawCan ecus("vcan0");
  RawCan listener("vcan0");
  can::ObdPollerOptions options;
  options.interface = "vcan0";
  options.extended_ids = true;
  Result<can::ObdPoller> poller = can::ObdPoller::open(options);
  ASSERT_TRUE(poller.has_value()) << poller.error().message();
  int answers = 0;
  const auto answer_from = [&](uint8_t address) {
    // 41 00 BE 1F A8 13: a bitmap answer as a single frame (the Wikipedia example).
    ASSERT_TRUE(ecus.send(CAN_EFF_FLAG | 0x18DAF100u | address,
                          {0x06, 0x41, 0x00, 0xBE, 0x1F, 0xA8, 0x13, 0xAA}));
    drive(*poller, 100, [&](const CanFrame&) { ++answers; });
  };
  for (uint8_t address = 0x10; address <= 0x16; ++address) {
    answer_from(address);
  }
  answer_from(0x18);
  EXPECT_EQ(poller->response_id(7), kTransmission);
  EXPECT_EQ(poller->counters().learned_addresses, 1u);
  EXPECT_EQ(poller->counters().unknown_responders, 0u);
  EXPECT_EQ(answers, 7) << "the configured slots received their answers";
  answer_from(0x29);
  EXPECT_NE(poller->last_error().find("answers from 18DAF129"), std::string::npos)
      << poller->last_error();
  answer_from(0x29);
  answer_from(0x2A);
  EXPECT_EQ(poller->counters().unknown_responders, 2u);
  EXPECT_EQ(poller->address_book().unknown_frames(), 3u);
  EXPECT_NE(poller->last_error().find("answers from 18DAF12A"), std::string::npos)
      << poller->last_error();
  answer_from(0x18);  // the learned slot receives its ECU now
  EXPECT_EQ(answers, 8);
  for (int slot = 0; slot < 8; ++slot) {
    EXPECT_EQ(poller->response_id(slot),
              slot < 7 ? (0x18DAF110u + static_cast<uint32_t>(slot)) | CanFrame::kEffFlag
                       : kTransmission);
  }
  EXPECT_EQ(poller->counters().sent, 0u);
  for (const can_frame& frame : listener.drain()) {
    EXPECT_EQ(frame.can_id & 0xFFFFFF00u, CAN_EFF_FLAG | 0x18DAF100u)
        << "the tester sent " << std::hex << frame.can_id;
  }
}

// The daemon's path: the configuration's `"addressing": "29bit"` (config::ObdDevice) through
// ObdLink to the "obd" bus and an ObdFrameSource; its frames decode to the simulator's values,
// from the configured and the learned ECU, and the status names both by their 29-bit IDs.
TEST(ObdPoller29InGuest, TheDaemonsObdLinkPollsWith29BitIds) {
  AG_SKIP_WITHOUT_ISOTP("vcan0");
  Simulator simulator("vcan0", g_scenario29);
  ASSERT_TRUE(simulator.ready());
  daemon::ObdLink link(config::ObdDevice{"vcan0", true, 20, 150});
  std::vector<can::Database> buses;
  std::vector<std::string> names;
  ASSERT_TRUE(link.add_bus(buses, names).has_value());
  can::Decoder decoder = can::Decoder::compile(buses).value();
  link.set_policy(policy::ObdPolling{true, {0x0D, 0x46}, 200});
  // The VIN and the DTC lists go to the table of texts as JSON; frames carry their index.
  pipeline::SignalTexts texts(
      std::vector<std::string>{std::string(kVssVinPath), std::string(kVssDtcListPath)});
  std::vector<std::unique_ptr<pipeline::FrameSource>> sources;
  const Result<void> opened = link.open_source(0, names, texts, sources);
  ASSERT_TRUE(opened.has_value()) << opened.error().message();
  pipeline::FrameSource& source = *sources.at(0);

  std::map<std::string, double> decoded;
  std::vector<CanFrame> frames(16);
  std::vector<can::Sample> samples(decoder.max_samples_per_frame());
  for (const int64_t end = monotonic_ms() + 2'500; monotonic_ms() < end;) {
    pollfd waiting{source.fd(), POLLIN, 0};
    poll(&waiting, 1, 10);
    const Result<size_t> n = source.read_batch(frames);
    ASSERT_TRUE(n.has_value()) << n.error().message();
    for (size_t i = 0; i < *n; ++i) {
      const size_t got = decoder.decode(frames[i], samples);
      for (size_t k = 0; k < got; ++k) {
        decoded[decoder.signals()[samples[k].signal].name] = samples[k].as_double();
      }
    }
  }
  EXPECT_EQ(decoded["PID_0D"], 50.0);  // the engine, 0x10
  EXPECT_EQ(decoded["PID_46"], 20.0);  // the transmission, 0x18, learned
  // The VIN of 0x10, and the union of both ECUs' stored DTCs (0x18's a multi-frame answer).
  ASSERT_EQ(decoded.count("VIN"), 1u);
  EXPECT_EQ(texts.texts(0)->at(static_cast<size_t>(decoded["VIN"])), "\"WVWZZZ1KZAW123456\"");
  ASSERT_EQ(decoded.count("DTC_LIST"), 1u);
  EXPECT_EQ(texts.texts(1)->at(static_cast<size_t>(decoded["DTC_LIST"])),
            R"(["P0133","P0420","P0700","P0715","U0100"])");
  const std::optional<pipeline::ObdStatus> status = link.status();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->learned_addresses, 1u);
  EXPECT_EQ(status->unknown_responders, 0u);
  std::set<uint32_t> ids;
  for (const pipeline::ObdEcuStatus& ecu : status->ecus) {
    ids.insert(ecu.response_id);
  }
  EXPECT_EQ(ids, (std::set<uint32_t>{kEngine, kTransmission}));
}

}  // namespace
}  // namespace autograph::obd_vm
