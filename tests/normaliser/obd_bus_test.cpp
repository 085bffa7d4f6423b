// The virtual "obd" bus: OBD-II answers -> per-PID frames -> the decoder compiled from
// obd_dbc_text() -> the normaliser with obd_vss_mapping_entries() -> VSS samples with the PID
// table's paths and values.
#include "autograph/can/obd_bus.hpp"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/can/obd_pid_table.hpp"
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

}  // namespace
}  // namespace autograph::can
