// Real OBD-II traffic: tests/data/hyundai-kona-ev/obd-capture.log (CC0, a 2021 Kona EV queried by
// the Car Scanner app through an ELM327; see its NOTICE). Every response from 0x7E8..0x7EF is
// reassembled (IsoTpReassembler) and parsed. Responses to services 01, 03 and 09 must parse and
// decode to plausible values: bitmaps consistent per ECU, every answered PID one the ECU's bitmap
// announces, text printable, table PIDs within their J1979 ranges. Responses to the app's
// other (UDS/KWP) services must be refused by the parser as foreign, never misread.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/isotp_reassembler.hpp"
#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_response.hpp"
#include "autograph/can/obd_supported_pids.hpp"

namespace autograph::can {
namespace {

constexpr uint32_t kFirstResponseId = 0x7E8;
constexpr uint32_t kLastResponseId = 0x7EF;

struct Tally {
  int messages = 0;
  int obd = 0;      // responses to 01, 03, 09
  int foreign = 0;  // responses to other services
  int pid_values = 0;
  int texts = 0;
  int dtc_lists = 0;
  std::map<uint32_t, std::map<uint8_t, std::array<uint8_t, 4>>> bitmaps;  // ECU -> PID -> bits
  std::map<uint32_t, std::map<uint8_t, int>> answered;                    // ECU -> PID -> count
};

void check_current_data(uint32_t ecu, std::span<const uint8_t> body, Tally& tally) {
  std::array<ObdPidRecord, 6> records;
  const Result<size_t> n = split_obd_current_data(body, records);
  ASSERT_TRUE(n.has_value()) << n.error().message();
  for (size_t i = 0; i < *n; ++i) {
    const ObdPidRecord& r = records[i];
    ++tally.answered[ecu][r.pid];
    if (is_obd_bitmap_pid(r.pid)) {
      std::array<uint8_t, 4> bits{};
      std::copy(r.data.begin(), r.data.end(), bits.begin());
      const auto [it, fresh] = tally.bitmaps[ecu].emplace(r.pid, bits);
      EXPECT_EQ(it->second, bits) << "ECU " << ecu << " changed its bitmap " << int{r.pid};
    } else if (const ObdPid* pid = find_obd_pid(r.pid)) {
      const double value = pid->decode(r.data);
      EXPECT_GE(value, pid->min);
      EXPECT_LE(value, pid->max);
      ++tally.pid_values;
    }
  }
}

void check_response(uint32_t ecu, std::span<const uint8_t> message, Tally& tally) {
  ++tally.messages;
  const Result<ObdResponse> response = parse_obd_response(message);
  if (!response.has_value()) {
    EXPECT_NE(response.error().message().find("which autograph never requests"), std::string::npos)
        << response.error().message();
    ++tally.foreign;
    return;
  }
  ++tally.obd;
  if (response->negative) {
    return;
  }
  if (response->service == 0x01) {
    check_current_data(ecu, response->body, tally);
  } else if (response->service == 0x09) {
    const Result<std::string_view> text =
        parse_obd_info_text(response->body, response->body.front());
    EXPECT_TRUE(text.has_value()) << text.error().message();
    ++tally.texts;
  } else {
    std::array<ObdDtc, 127> dtcs;
    EXPECT_TRUE(parse_obd_stored_dtcs(response->body, dtcs).has_value());
    ++tally.dtc_lists;
  }
}

TEST(ObdCapture, EveryResponseOfTheKonaDecodesPlausibly) {
  Result<CandumpReader> reader =
      CandumpReader::open(AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev/obd-capture.log");
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  std::map<uint32_t, IsoTpReassembler> reassemblers;
  Tally tally;
  CanFrame frame;
  while (reader->next(frame).value()) {
    const uint32_t id = frame.raw_id();
    if (frame.extended() || id < kFirstResponseId || id > kLastResponseId) {
      continue;
    }
    const Result<bool> done = reassemblers[id].feed(frame);
    ASSERT_TRUE(done.has_value()) << "line " << reader->line_number() << ": "
                                  << done.error().message();
    if (*done) {
      check_response(id, reassemblers[id].message(), tally);
    }
  }
  for (const auto& [ecu, rx] : reassemblers) {
    EXPECT_EQ(rx.abandoned(), 0u) << ecu;
  }
  // Every PID an ECU answered is one its bitmaps announce.
  for (const auto& [ecu, pids] : tally.answered) {
    ObdSupportedPids supported;
    for (const auto& [bitmap_pid, bits] : tally.bitmaps[ecu]) {
      ASSERT_TRUE(supported.add_bitmap(bitmap_pid, bits).has_value());
    }
    for (const auto& [pid, count] : pids) {
      EXPECT_TRUE(pid == 0x00 || supported.supports(pid))
          << "ECU " << ecu << " answered PID " << int{pid} << " it does not announce";
    }
  }
  std::printf("messages %d, OBD %d (PID values %d, texts %d, DTC lists %d), other services %d\n",
              tally.messages, tally.obd, tally.pid_values, tally.texts, tally.dtc_lists,
              tally.foreign);
  EXPECT_GT(tally.obd, 600);
  EXPECT_GT(tally.texts, 0);
  EXPECT_GT(tally.dtc_lists, 0);
  EXPECT_GT(tally.foreign, 0);
  EXPECT_EQ(tally.messages, tally.obd + tally.foreign);
}

}  // namespace
}  // namespace autograph::can
