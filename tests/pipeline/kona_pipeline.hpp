// Builds the real Kona EV pipeline for tests: its DBCs, its VSS mapping, a two-grantee policy.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/signing/address.hpp"
#include "normaliser/vss_mapping.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "pipeline/capture_replayer.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "policy/policy.hpp"
#include "policy/policy_gate.hpp"

namespace autograph::pipeline::testing {

inline const std::string kKonaDir = AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev";
inline const std::string kKonaCapture = kKonaDir + "/capture.log";
inline const std::vector<std::string> kKonaBuses = {"can0", "can1"};

struct KonaVehicle {
  can::Decoder decoder;
  normaliser::VssNormaliser normaliser;
};

// can0 = P-CAN (vehicle.dbc), can1 = C-CAN (vehicle.dbc + ccan.dbc), as the mapping says.
inline KonaVehicle load_kona() {
  std::vector<can::Database> buses;
  buses.push_back(can::load_dbc_file(kKonaDir + "/vehicle.dbc").value());
  buses.push_back(can::load_dbc_file(kKonaDir + "/vehicle.dbc").value());
  EXPECT_TRUE(can::merge_into(buses[1], can::load_dbc_file(kKonaDir + "/ccan.dbc").value()));
  Result<normaliser::VssMapping> mapping = normaliser::VssMapping::load(
      AUTOGRAPH_SOURCE_DIR "/vehicles/hyundai-kona-ev/mapping.json", buses, kKonaBuses);
  EXPECT_TRUE(mapping.has_value()) << mapping.error().message();
  can::Decoder decoder = can::Decoder::compile(buses).value();
  normaliser::VssNormaliser normaliser =
      normaliser::VssNormaliser::compile(*mapping, decoder.signals());
  return KonaVehicle{std::move(decoder), std::move(normaliser)};
}

inline policy::SignalRule every(std::string path, int64_t every_ms) {
  policy::SignalRule rule;
  rule.path = std::move(path);
  rule.kind = policy::RateKind::kEvery;
  rule.every_ms = every_ms;
  return rule;
}

inline policy::Grantee grantee(std::string name, std::vector<policy::SignalRule> rules,
                               int64_t interval_s, int64_t max_samples) {
  policy::Grantee g;
  g.name = std::move(name);
  g.signals = std::move(rules);
  g.batch.max_interval_s = interval_s;
  g.batch.max_samples = max_samples;
  return g;
}

// "insurer": Vehicle.Speed once a second, batches of 2 s; "fleet": everything every 100 ms,
// batches of at most 50 samples.
inline policy::Policy two_grantee_policy() {
  policy::Policy p;
  p.version = 1;
  p.grantees.push_back(grantee("insurer", {every("Vehicle.Speed", 1000)}, 2, 10'000));
  p.grantees.push_back(grantee("fleet", {every("Vehicle.*", 100)}, 3600, 50));
  return p;
}

inline void apply(FramePipeline& pipeline, const policy::Policy& p) {
  Result<policy::PolicyGate> gate =
      policy::PolicyGate::compile(p, pipeline.normaliser().vss_paths());
  ASSERT_TRUE(gate.has_value()) << gate.error().message();
  std::vector<signing::StreamCursor> cursors(gate->grantee_count());
  signing::Hash256 hash{};
  hash[0] = 0x42;
  pipeline.apply_policy(std::move(*gate), hash, cursors);
}

inline std::unique_ptr<CaptureReplayer> kona_replayer(double speed) {
  can::CandumpReaderOptions options;
  options.skip_bad_lines = true;
  Result<can::CandumpReader> reader =
      can::CandumpReader::open(kKonaCapture, can::BusTable(kKonaBuses), options);
  EXPECT_TRUE(reader.has_value());
  Result<CaptureReplayer> replayer = CaptureReplayer::open(std::move(*reader), speed);
  EXPECT_TRUE(replayer.has_value());
  return std::make_unique<CaptureReplayer>(std::move(*replayer));
}

}  // namespace autograph::pipeline::testing
