// The virtual "obd" bus: OBD-II answers -> per-PID frames -> the decoder compiled from
// obd_dbc_text() -> the normaliser with obd_vss_mapping_entries() -> VSS samples with the PID
// table's paths and values; VIN and DTC answers -> JSON text and OBD_TEXT frames.
#include "autograph/can/obd_bus.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_response.hpp"
#include "normaliser/vss_mapping.hpp"
#include "normaliser/vss_normaliser.hpp"

namespace autograph::can {
namespace {

CanFrame answer(std::vector<uint8_t> payload) {
  CanFrame frame;
  frame.id = 0x7E8;
  frame.bus = 0;
  frame.t_ns = 42;
  frame.len = static_cast<uint8_t>(payload.size());
  std::copy(payload.begin(), payload.end(), frame.data);
  return frame;
}

struct ObdBus {
  std::vector<Database> buses;
  std::vector<std::string> names = {"obd"};
  Decoder decoder;
  normaliser::VssNormaliser normaliser;
};

ObdBus compile_obd_bus() {
  Result<Database> dbc = parse_dbc(obd_dbc_text(), "obd.dbc");
  EXPECT_TRUE(dbc.has_value()) << dbc.error().message();
  std::vector<Database> buses;
  buses.push_back(std::move(*dbc));
  const std::vector<std::string> names = {"obd"};
  const std::string json =
      "{\"vss_version\": \"6.0\", \"signals\": [" + obd_vss_mapping_entries("obd") + "]}";
  Result<normaliser::VssMapping> mapping =
      normaliser::VssMapping::parse(json, "obd mapping", buses, names);
  EXPECT_TRUE(mapping.has_value()) << mapping.error().message();
  Result<Decoder> decoder = Decoder::compile(buses);
  EXPECT_TRUE(decoder.has_value()) << decoder.error().message();
  normaliser::VssNormaliser normaliser =
      normaliser::VssNormaliser::compile(*mapping, decoder->signals());
  return ObdBus{std::move(buses), names, std::move(*decoder), std::move(normaliser)};
}

// VSS path -> value for the samples of `payload`.
std::map<std::string, double> through_the_pipeline(ObdBus& bus, std::vector<uint8_t> payload) {
  std::array<CanFrame, 6> frames;
  const size_t n = split_obd_answer(answer(std::move(payload)), frames);
  std::map<std::string, double> values;
  std::vector<Sample> samples(bus.decoder.max_samples_per_frame());
  for (size_t i = 0; i < n; ++i) {
    const size_t decoded = bus.decoder.decode(frames[i], samples);
    for (size_t k = 0; k < decoded; ++k) {
      if (auto vss = bus.normaliser.normalise(samples[k])) {
        EXPECT_EQ(vss->t_ns, 42u);
        values[bus.normaliser.vss_paths()[vss->signal]] = vss->value;
      }
    }
  }
  return values;
}

TEST(ObdBus, DecodesAMultiPidAnswerToVssPaths) {
  ObdBus bus = compile_obd_bus();
  const auto values =
      through_the_pipeline(bus, {0x41, 0x0C, 0x1A, 0xF8, 0x0D, 0x32, 0xA6, 0x00, 0x01, 0xE2, 0x40});
  EXPECT_EQ(values.size(), 3u);
  EXPECT_EQ(values.at("Vehicle.Powertrain.CombustionEngine.Speed"), 1726.0);
  EXPECT_EQ(values.at("Vehicle.Speed"), 50.0);
  EXPECT_DOUBLE_EQ(values.at("Vehicle.TraveledDistance"), 12345.6);
}

TEST(ObdBus, AgreesWithThePidTableForEveryPidAndByte) {
  ObdBus bus = compile_obd_bus();
  for (const ObdPid& pid : obd_pids()) {
    for (const uint8_t byte : {0x00, 0x01, 0x33, 0x80, 0xCC, 0xFF}) {
      std::vector<uint8_t> payload = {0x41, pid.pid};
      payload.insert(payload.end(), pid.size, byte);
      const auto values = through_the_pipeline(bus, payload);
      ASSERT_EQ(values.count(std::string(pid.vss_path)), 1u) << pid.name;
      // The decoder computes raw * (multiplier / divisor) + offset: within an ulp or two of the
      // J1979 formula's raw * multiplier / divisor + offset.
      EXPECT_DOUBLE_EQ(values.at(std::string(pid.vss_path)),
                       pid.decode(std::span<const uint8_t>(payload).subspan(2)))
          << pid.name << " byte " << int{byte};
    }
  }
}

TEST(ObdBus, LetsOnlyPositiveServiceOneAnswersThrough) {
  std::array<CanFrame, 6> frames;
  EXPECT_EQ(split_obd_answer(answer({0x7F, 0x01, 0x12}), frames), 0u);
  EXPECT_EQ(split_obd_answer(answer({0x43, 0x01, 0x01, 0x33}), frames), 0u);
  EXPECT_EQ(split_obd_answer(answer({0x41, 0x0C, 0x1A}), frames), 0u);  // cut short
  // Bitmaps are discovery's: only the table's PIDs become frames.
  ASSERT_EQ(split_obd_answer(answer({0x41, 0x00, 0xBE, 0x1F, 0xA8, 0x13, 0x0D, 0x32}), frames), 1u);
  EXPECT_EQ(frames[0].id, kObdPidFrameId);
  EXPECT_EQ(frames[0].len, 2);
  EXPECT_EQ(frames[0].data[0], 0x0D);
  EXPECT_EQ(frames[0].data[1], 0x32);
}

TEST(ObdBus, TextFramesCarryTheTextIndexToTheVssTextSignals) {
  ObdBus bus = compile_obd_bus();
  std::vector<Sample> samples(bus.decoder.max_samples_per_frame());
  const struct {
    ObdText which;
    uint16_t index;
    const char* path;
  } cases[] = {{ObdText::kVin, 0, "Vehicle.VehicleIdentification.VIN"},
               {ObdText::kVin, 0x0102, "Vehicle.VehicleIdentification.VIN"},
               {ObdText::kDtcList, 7, "Vehicle.OBD.DTCList"}};
  for (const auto& c : cases) {
    const CanFrame frame = make_obd_text_frame(c.which, c.index, 0, 42);
    EXPECT_EQ(frame.id, kObdTextFrameId);
    // The multiplexor TEXT and the selected signal; only the latter is mapped.
    const size_t decoded = bus.decoder.decode(frame, samples);
    ASSERT_EQ(decoded, 2u) << c.path;
    ASSERT_FALSE(bus.normaliser.normalise(samples[0]).has_value());
    const auto vss = bus.normaliser.normalise(samples[1]);
    ASSERT_TRUE(vss.has_value()) << c.path;
    EXPECT_EQ(bus.normaliser.vss_paths()[vss->signal], c.path);
    EXPECT_EQ(vss->value, c.index);
    EXPECT_EQ(vss->t_ns, 42u);
  }
}

TEST(ObdBus, VinAnswersBecomeJsonTextOnlyWhenTheyHoldAVin) {
  const std::vector<uint8_t> vin = {0x49, 0x02, 0x01, 'K', 'M', 'H', 'K', '3', '8', '1',
                                    'G',  'F',  'M',  'U', '1', '2', '3', '4', '5', '6'};
  const ObdResponse response = parse_obd_response(vin).value();
  EXPECT_EQ(obd_vin_json(response), "\"KMHK381GFMU123456\"");
  // The Kona's BMS answers 09 02 with text that is not a VIN (docs/obd.md).
  const std::vector<uint8_t> bms = {0x49, 0x02, 0x01, 'O', 'S', 'E', 'V', '_', '_', ' ',
                                    'B',  'M',  'S',  0,   0,   0,   0,   0,   0,   0};
  EXPECT_EQ(obd_vin_json(parse_obd_response(bms).value()), std::nullopt);
  EXPECT_EQ(obd_vin_json(parse_obd_response(std::vector<uint8_t>{0x7F, 0x09, 0x11}).value()),
            std::nullopt);
  EXPECT_EQ(obd_vin_json(parse_obd_response(std::vector<uint8_t>{0x43, 0x00}).value()),
            std::nullopt);
}

TEST(ObdBus, DtcListsBecomeJsonArraysOfStrings) {
  EXPECT_EQ(obd_dtc_list_json({}), "[]");
  const std::vector<ObdDtc> dtcs = {decode_obd_dtc(0x01, 0x33), decode_obd_dtc(0xC1, 0x00)};
  EXPECT_EQ(obd_dtc_list_json(dtcs), "[\"P0133\",\"U0100\"]");
}

TEST(ObdBus, TextSignalsMayComeOnlyFromTheObdTextMessage) {
  Result<Database> dbc = parse_dbc(obd_dbc_text(), "obd.dbc");
  ASSERT_TRUE(dbc.has_value());
  std::vector<Database> buses;
  buses.push_back(std::move(*dbc));
  const std::vector<std::string> names = {"obd"};
  const std::string numeric =
      R"({"vss_version": "6.0", "signals": [{"bus": "obd", "message": "OBD_01", )"
      R"("signal": "PID_0D", "vss": "Vehicle.VehicleIdentification.VIN", "scale": 1}]})";
  Result<normaliser::VssMapping> refused =
      normaliser::VssMapping::parse(numeric, "m.json", buses, names);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find("signals[0].vss"), std::string::npos)
      << refused.error().message();
  EXPECT_NE(refused.error().message().find("text signal"), std::string::npos);
  const std::string scaled =
      R"({"vss_version": "6.0", "signals": [{"bus": "obd", "message": "OBD_TEXT", )"
      R"("signal": "DTC_LIST", "vss": "Vehicle.OBD.DTCList", "scale": 2}]})";
  EXPECT_FALSE(normaliser::VssMapping::parse(scaled, "m.json", buses, names).has_value());
}

}  // namespace
}  // namespace autograph::can
