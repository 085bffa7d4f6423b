// The compiled normaliser: each conversion kind on decoded frames, counters, narrowing.
#include "normaliser/vss_normaliser.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "autograph/can/decoder.hpp"
#include "normaliser/normaliser_testing.hpp"

namespace autograph::normaliser {
namespace {

const std::string kMapping = mapping_with(R"(
  {"bus": "can0", "message": "SPEED", "signal": "SPEED", "vss": "Vehicle.Speed", "unit": "m/s",
   "from_unit": "km/h"},
  {"bus": "can1", "message": "SPEED", "signal": "SPEED", "vss": "Vehicle.Speed", "unit": "m/s",
   "from_unit": "km/h"},
  {"bus": "can0", "message": "SPEED", "signal": "TEMP", "vss": "Vehicle.Exterior.AirTemperature",
   "unit": "celsius", "scale": 0.5, "offset": -10},
  {"bus": "can0", "message": "SPEED", "signal": "GEAR",
   "vss": "Vehicle.Powertrain.Transmission.SelectedGear", "map": {"0": 126, "5": 127, "7": -1}},
  {"bus": "can0", "message": "SPEED", "signal": "HALF", "vss": "Vehicle.Cabin.Door.Row1.DriverSide.IsOpen",
   "map": {"0": false, "1": true}})");

struct Pipeline {
  can::Decoder decoder;
  VssNormaliser normaliser;
  std::vector<can::Sample> samples;
  std::vector<VssSample> out;

  // Decodes one frame and normalises its samples.
  std::vector<VssSample> run(const can::CanFrame& frame) {
    const size_t n = decoder.decode(frame, samples);
    const size_t written = normaliser.normalise(std::span(samples.data(), n), out);
    return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(written)};
  }

  // The values of `vss_samples` by VSS path (the decoder's output order is its own).
  std::map<std::string, double> by_path(const std::vector<VssSample>& vss_samples) const {
    std::map<std::string, double> values;
    for (const VssSample& sample : vss_samples) {
      values[normaliser.vss_paths()[sample.signal]] = sample.value;
    }
    return values;
  }
};

Pipeline make_pipeline(const can::SignalSelection& selection = {}) {
  const std::vector<can::Database> buses = test_databases();
  auto mapping = VssMapping::parse(kMapping, "m.json", buses, test_bus_names());
  EXPECT_TRUE(mapping.has_value()) << mapping.error().message();
  auto decoder = can::Decoder::compile(buses, selection);
  EXPECT_TRUE(decoder.has_value()) << decoder.error().message();
  VssNormaliser normaliser = VssNormaliser::compile(*mapping, decoder->signals());
  const size_t max = decoder->max_samples_per_frame();
  return {std::move(*decoder), std::move(normaliser), std::vector<can::Sample>(max),
          std::vector<VssSample>(max)};
}

can::CanFrame speed_frame(uint8_t hi, uint8_t lo, uint8_t temp, uint8_t gear_half,
                          uint16_t bus = 0) {
  can::CanFrame frame;
  frame.id = 180;
  frame.len = 8;
  frame.bus = bus;
  frame.t_ns = 1234567890;
  frame.data[0] = hi;
  frame.data[1] = lo;
  frame.data[2] = temp;
  frame.data[3] = gear_half;
  return frame;
}

TEST(VssNormaliser, ConvertsUnitsAppliesLinearTransformsAndMaps) {
  Pipeline p = make_pipeline();
  // SPEED raw 0x2710 = 10000 -> 100.00 km/h; TEMP -20; GEAR 5 (D); HALF raw 2 -> 1.0 (open).
  auto values = p.by_path(p.run(speed_frame(0x27, 0x10, static_cast<uint8_t>(-20), 0x25)));
  ASSERT_EQ(values.size(), 4u);
  EXPECT_DOUBLE_EQ(values["Vehicle.Speed"], 100.0 / 3.6);
  EXPECT_EQ(values["Vehicle.Exterior.AirTemperature"], -20.0 * 0.5 - 10.0);
  EXPECT_EQ(values["Vehicle.Powertrain.Transmission.SelectedGear"], 127.0);
  EXPECT_EQ(values["Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"], 1.0);
  EXPECT_EQ(p.normaliser.vss_units()[0], "m/s");
  EXPECT_EQ(p.normaliser.vss_units()[2], "");
  EXPECT_EQ(p.normaliser.unmapped_value(), 0u);
  for (const VssSample& sample : p.run(speed_frame(0x27, 0x10, 0, 0x25))) {
    EXPECT_EQ(sample.t_ns, 1234567890u);
  }
}

TEST(VssNormaliser, CountsAndDropsValuesAMapDoesNotName) {
  Pipeline p = make_pipeline();
  // GEAR 3 is not in the map; HALF raw 1 -> 0.5 is not an integer.
  auto values = p.by_path(p.run(speed_frame(0, 0, 0, 0x13)));
  EXPECT_EQ(values.size(), 2u);  // speed and temperature only
  EXPECT_FALSE(values.contains("Vehicle.Powertrain.Transmission.SelectedGear"));
  EXPECT_EQ(p.normaliser.unmapped_value(), 2u);
  values = p.by_path(p.run(speed_frame(0, 0, 0, 0x07)));  // GEAR 7 = R, HALF 0 = closed
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values["Vehicle.Powertrain.Transmission.SelectedGear"], -1.0);
  EXPECT_EQ(values["Vehicle.Cabin.Door.Row1.DriverSide.IsOpen"], 0.0);
  EXPECT_EQ(p.normaliser.unmapped_value(), 2u);
}

TEST(VssNormaliser, FeedsOneVssPathFromTwoBusesAndCountsUnmappedSignals) {
  Pipeline p = make_pipeline();
  EXPECT_EQ(p.normaliser.mapped_signals(), 5u);
  auto out = p.run(speed_frame(0x03, 0xE8, 0, 0, 1));  // can1: only SPEED is mapped there
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(p.normaliser.vss_paths()[out[0].signal], "Vehicle.Speed");
  EXPECT_DOUBLE_EQ(out[0].value, 10.0 / 3.6);
  EXPECT_EQ(p.normaliser.unmapped_signal(), 3u);  // TEMP, GEAR, HALF of can1

  can::CanFrame pedal;
  pedal.id = 0x18FEF100 | can::CanFrame::kEffFlag;
  pedal.len = 8;
  EXPECT_TRUE(p.run(pedal).empty());
  EXPECT_EQ(p.normaliser.unmapped_signal(), 4u);
}

TEST(VssNormaliser, NarrowedDecoderKeepsTheVssIds) {
  const std::vector<can::Database> buses = test_databases();
  auto mapping = VssMapping::parse(kMapping, "m.json", buses, test_bus_names());
  ASSERT_TRUE(mapping.has_value());
  const uint32_t gear_id = 2;
  ASSERT_EQ(mapping->vss_paths()[gear_id], "Vehicle.Powertrain.Transmission.SelectedGear");
  const uint32_t wanted[] = {gear_id};
  can::SignalSelection selection;
  selection.keys = mapping->needed_signals(wanted);
  Pipeline p = make_pipeline(selection);
  EXPECT_EQ(p.decoder.signals().size(), 1u);
  auto out = p.run(speed_frame(0x27, 0x10, 0, 0x00));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].signal, gear_id);
  EXPECT_EQ(out[0].value, 126.0);
  EXPECT_EQ(p.normaliser.vss_paths(), mapping->vss_paths());
  EXPECT_EQ(p.normaliser.unmapped_signal(), 0u);
}

TEST(VssNormaliser, SingleSampleFormMatchesTheBatchForm) {
  Pipeline p = make_pipeline();
  can::Sample sample;
  sample.signal = 0;  // can0 SPEED.SPEED in the decoder's table
  ASSERT_EQ(p.decoder.signals()[0].name, "SPEED");
  sample.kind = can::SampleKind::kFloat;
  sample.value.f64 = 72.0;
  sample.t_ns = 5;
  auto vss = p.normaliser.normalise(sample);
  ASSERT_TRUE(vss.has_value());
  EXPECT_EQ(vss->value, 72.0 * (1.0 / 3.6));
  EXPECT_EQ(vss->t_ns, 5u);
}

TEST(VssNormaliserDeathTest, AbortsOnASignalBeyondTheDecoderTable) {
  Pipeline p = make_pipeline();
  can::Sample sample;
  sample.signal = 1000;
  EXPECT_DEATH((void)p.normaliser.normalise(sample), "beyond the decoder");
}

TEST(VssNormaliserDeathTest, AbortsWhenTheBatchOutputIsTooSmall) {
  Pipeline p = make_pipeline();
  std::vector<can::Sample> in(2);
  std::vector<VssSample> out(1);
  EXPECT_DEATH((void)p.normaliser.normalise(in, out), "out must hold");
}

}  // namespace
}  // namespace autograph::normaliser
