// DbcParser: every real DBC file of the test data parses; counts and hand-picked signals match
// the file text.
#include "autograph/can/dbc_parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "autograph/can/can_frame.hpp"
#include "can/dbc_parser_test_util.hpp"

namespace autograph::can {
namespace {

using testing::signal_named;

struct Counts {
  size_t messages = 0;
  size_t pseudo_messages = 0;
  size_t signals = 0;  // in messages and pseudo messages
  size_t extended = 0;
  size_t multiplexed = 0;  // signals with a multiplexor
};

Counts count(const Database& db) {
  Counts counts;
  counts.messages = db.messages.size();
  counts.pseudo_messages = db.pseudo_messages.size();
  for (const auto* messages : {&db.messages, &db.pseudo_messages}) {
    for (const Message& message : *messages) {
      counts.signals += message.signals.size();
      counts.extended += (message.id & CanFrame::kEffFlag) != 0 && messages == &db.messages;
      for (const Signal& signal : message.signals) {
        counts.multiplexed += signal.multiplexor.has_value();
      }
    }
  }
  return counts;
}

Database load(const std::filesystem::path& path, const DbcParseOptions& options = {}) {
  Result<Database> db = load_dbc_file(path, options);
  EXPECT_TRUE(db.has_value()) << db.error().message();
  return db.has_value() ? std::move(*db) : Database{};
}

const std::filesystem::path kData = AUTOGRAPH_TEST_DATA_DIR;

TEST(DbcParser, ParsesEveryReferenceDbcWithTheCountsOfItsText) {
  // Messages, signals, extended ids and m<k> signals as counted in the files (grep '^BO_',
  // '^ SG_', BO_ numbers >= 2^31, ' m[0-9]+'); Model3CAN needs allow_signals_past_length.
  const std::map<std::string, std::array<size_t, 5>> expected = {
      {"honda_civic_touring_2016_can_generated.dbc", {35, 0, 251, 0, 0}},
      {"hyundai_canfd.dbc", {79, 0, 464, 0, 0}},
      {"tesla_model3_Model3CAN.dbc", {148, 0, 3172, 0, 1976}},
      {"tesla_model3_vehicle.dbc", {11, 0, 209, 0, 52}},
      {"toyota_2017_ref_pt.dbc", {111, 32, 1315, 0, 0}},
      {"vw_mqb_2010.dbc", {111, 0, 1314, 12, 21}},
  };
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData / "dbc")) {
    if (entry.path().extension() != ".dbc") {
      continue;
    }
    ++files;
    SCOPED_TRACE(entry.path().string());
    const Counts counts = count(load(entry.path(), {.allow_signals_past_length = true}));
    const auto& want = expected.at(entry.path().filename().string());
    EXPECT_EQ(counts.messages, want[0]);
    EXPECT_EQ(counts.pseudo_messages, want[1]);
    EXPECT_EQ(counts.signals, want[2]);
    EXPECT_EQ(counts.extended, want[3]);
    EXPECT_EQ(counts.multiplexed, want[4]);
  }
  EXPECT_EQ(files, 6u);
}

TEST(DbcParser, ReportsTheModel3SignalsPastTheirMessageLength) {
  const std::filesystem::path path = kData / "dbc/tesla_model3_Model3CAN.dbc";
  const Result<Database> strict = load_dbc_file(path);
  ASSERT_FALSE(strict.has_value());
  EXPECT_EQ(strict.error().message(),
            path.string() +
                ":1722:21: expected signal 'DI_lashAngle' within the 5 bytes of message "
                "'ID5D5RearDItemps', found start bit 40 length 10 (Intel, ends in byte 6)");
  const Database db = load(path, {.allow_signals_past_length = true});
  EXPECT_EQ(db.warnings.size(), 6u);  // 3 signals in each of 0x5D5 and 0x556
}

TEST(DbcParser, ReadsVwMqbExtendedIdsAndMultiplexing) {
  const Database db = load(kData / "dbc/vw_mqb_2010.dbc");
  // BO_ 2549088277 KN_Airbag_01: 8 Airbag_MQB
  const Message* airbag = db.find(0x17F00015u | CanFrame::kEffFlag);
  ASSERT_NE(airbag, nullptr);
  EXPECT_EQ(airbag->name, "KN_Airbag_01");
  EXPECT_EQ(airbag->transmitter, "Airbag_MQB");
  // BO_ 1716 VIN_01: 8 Gateway_MQB / SG_ VIN_01_MUX M : 0|2@1+ / SG_ VIN_4 m1 : 8|8@1+
  const Message* vin = db.find(1716);
  ASSERT_NE(vin, nullptr);
  EXPECT_TRUE(vin->signals.at(0).is_multiplexor);
  EXPECT_EQ(vin->signals.at(0).length, 2);
  const Signal& vin4 = signal_named(*vin, "VIN_4");
  EXPECT_EQ(vin4.multiplexor, 0u);
  ASSERT_EQ(vin4.mux_values.size(), 1u);
  EXPECT_EQ(vin4.mux_values[0].low, 1u);
  EXPECT_EQ(vin4.start_bit, 8);
  EXPECT_EQ(vin4.receivers, (std::vector<std::string>{"Airbag_MQB"}));
}

TEST(DbcParser, ParsesRav4VehicleDespiteTheValWithoutSemicolon) {
  const Database db = load(kData / "toyota-rav4-comma2k19/vehicle.dbc");
  EXPECT_EQ(count(db).messages, 55u);
  EXPECT_EQ(count(db).signals, 330u);
  // BO_ 180 SPEED: 8 XXX / SG_ SPEED : 47|16@0+ (0.01,0) [0|250] "km/h" XXX
  const Message* speed = db.find(180);
  ASSERT_NE(speed, nullptr);
  EXPECT_EQ(speed->name, "SPEED");
  EXPECT_EQ(speed->length, 8);
  const Signal& signal = signal_named(*speed, "SPEED");
  EXPECT_EQ(signal.start_bit, 47);
  EXPECT_EQ(signal.length, 16);
  EXPECT_EQ(signal.byte_order, ByteOrder::kBigEndian);
  EXPECT_EQ(signal.value_type, ValueType::kUnsigned);
  EXPECT_EQ(signal.factor, 0.01);
  EXPECT_EQ(signal.offset, 0.0);
  EXPECT_EQ(signal.maximum, 250.0);
  EXPECT_EQ(signal.unit, "km/h");
  // Line 569: VAL_ 865 CLUTCH_RELEASED 0 "clutch pressed any amount" 1 "clutch released"
  const Message* pcm = db.find(865);
  ASSERT_NE(pcm, nullptr);
  const auto& choices = signal_named(*pcm, "CLUTCH_RELEASED").choices;
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[1], (std::pair<int64_t, std::string>{1, "clutch released"}));
  // The VAL_ after it (line 570) is read too.
  const Message* cruise = db.find(921);
  ASSERT_NE(cruise, nullptr);
  EXPECT_EQ(signal_named(*cruise, "CRUISE_CONTROL_STATE").choices.size(), 5u);

  const Database radar = load(kData / "toyota-rav4-comma2k19/radar.dbc");
  EXPECT_EQ(count(radar).messages, 32u);
  EXPECT_EQ(count(radar).signals, 176u);
}

TEST(DbcParser, ParsesKonaFilesWithoutBitTimingAndMergesThem) {
  Database vehicle = load(kData / "hyundai-kona-ev/vehicle.dbc");
  EXPECT_EQ(count(vehicle).messages, 107u);
  EXPECT_EQ(count(vehicle).signals, 445u);
  // BO_ 265 VCU_109: 8 VCU / SG_ UnkChargeRelated : 31|32@0+ (1,0) [0|4294967295] "" XXX
  const Message* vcu = vehicle.find(265);
  ASSERT_NE(vcu, nullptr);
  const Signal& charge = signal_named(*vcu, "UnkChargeRelated");
  EXPECT_EQ(charge.start_bit, 31);
  EXPECT_EQ(charge.length, 32);
  EXPECT_EQ(charge.maximum, 4294967295.0);
  // CM_ BO_ 1104 "50Hz. Always present.\n\nVCU triggers ..." spans three lines.
  const Message* cgw = vehicle.find(1104);
  ASSERT_NE(cgw, nullptr);
  EXPECT_EQ(cgw->length, 3);
  EXPECT_TRUE(cgw->comment.starts_with("50Hz. Always present.\n\nVCU triggers a Gateway"));

  Database ccan = load(kData / "hyundai-kona-ev/ccan.dbc");
  EXPECT_EQ(count(ccan).messages, 2u);
  EXPECT_EQ(signal_named(ccan.messages.at(1), "BrakeUnknown").comment,
            "Same byte as PCAN 0x2a2, 0x331");
  ASSERT_TRUE(merge_into(vehicle, std::move(ccan)).has_value());
  EXPECT_EQ(vehicle.messages.size(), 109u);
  EXPECT_NE(vehicle.find(881), nullptr);
}

TEST(DbcParser, ParsesFordKeepingStandardIdsStandardUnderExtendedCanFdDefault) {
  const std::filesystem::path path =
      std::filesystem::path(AUTOGRAPH_SHARED_DATA_DIR) / "ford-mustang-gt350/vehicle.dbc";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << path << " is absent (GPL data outside the repository)";
  }
  const Database db = load(path);
  const Counts counts = count(db);
  EXPECT_EQ(counts.messages, 331u);
  EXPECT_EQ(counts.signals, 2150u);
  EXPECT_EQ(counts.extended, 49u);  // BO_ numbers >= 2^31; all 49 have VFrameFormat 15
  // BO_ 1034 GGCC_Config_Mgmt_ID_1_FD1: 8 GWM; BA_ "VFrameFormat" BO_ 1034 14; no cycle time.
  const Message* ggcc = db.find(1034);
  ASSERT_NE(ggcc, nullptr);
  EXPECT_TRUE(ggcc->fd);
  EXPECT_EQ(ggcc->cycle_time_ms, 0u);  // BA_DEF_DEF_ "GenMsgCycleTime" 0
  // SG_ VehicleGGCCData : 7|64@0+ (1,0) [0|1.84467E+019] "mixed" VDM,...,TCM_DSL
  const Signal& data = ggcc->signals.at(0);
  EXPECT_EQ(data.name, "VehicleGGCCData");
  EXPECT_EQ(data.start_bit, 7);
  EXPECT_EQ(data.length, 64);
  EXPECT_EQ(data.byte_order, ByteOrder::kBigEndian);
  EXPECT_EQ(data.maximum, 1.84467E+019);
  EXPECT_EQ(data.unit, "mixed");
  EXPECT_EQ(data.receivers.size(), 11u);
  EXPECT_EQ(data.comment, "RCMGenSigTimeout=6000");
  // BA_ "GenMsgCycleTime" BO_ 524 10;
  ASSERT_NE(db.find(524), nullptr);
  EXPECT_EQ(db.find(524)->cycle_time_ms, 10u);
  // BO_ 2612224016 PARSEDPushPCMtoGWM_ECG: 8 PCM_HEV; BO_TX_BU_ 2612224016 : ECM_Diesel,...
  const Message* push = db.find(2612224016u);
  ASSERT_NE(push, nullptr);
  EXPECT_EQ(push->id & CanFrame::kEffMask, 2612224016u - CanFrame::kEffFlag);
  EXPECT_EQ(push->extra_transmitters, (std::vector<std::string>{"ECM_Diesel", "PCM", "PCM_HEV"}));
  for (const Message& message : db.messages) {
    EXPECT_TRUE(message.fd) << message.name;  // 281 x 14, 49 x 15, one by the default
  }
}

}  // namespace
}  // namespace autograph::can
