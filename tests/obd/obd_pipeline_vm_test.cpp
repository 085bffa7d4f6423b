// OBD-II through the whole reactor pipeline, in the QEMU guest: the ECU simulator answers on
// vcan0, ObdFrameSource polls what the policy's `obd` section allows, the decoder compiled from
// obd_dbc_text() and the normaliser turn the answers into VSS samples, the policy gate passes
// what the grantee may have, and signed batches carry the simulator's values, the VIN and the
// stored DTCs as text.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/can/obd_bus.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "normaliser/vss_mapping.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "obd/obd_vm_support.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/obd_frame_source.hpp"
#include "pipeline/pipeline_test_support.hpp"
#include "pipeline/reactor.hpp"
#include "policy/policy_gate.hpp"

namespace autograph::obd_vm {
namespace {

using pipeline::BoundedQueue;
using pipeline::FramePipeline;
using pipeline::OutgoingBatch;

policy::Policy speed_and_odometer_policy() {
  policy::Policy p;
  p.version = 1;
  policy::Grantee insurer;
  insurer.name = "insurer";
  for (const char* path : {"Vehicle.Speed", "Vehicle.TraveledDistance"}) {
    policy::SignalRule rule;
    rule.path = path;
    rule.every_ms = 100;
    insurer.signals.push_back(rule);
  }
  // The text signals, on change with a deadband that must not hide a change of text.
  for (const char* path : {"Vehicle.VehicleIdentification.VIN", "Vehicle.OBD.DTCList"}) {
    policy::SignalRule rule;
    rule.path = path;
    rule.kind = policy::RateKind::kOnChange;
    rule.deadband = 1000;
    insurer.signals.push_back(rule);
  }
  insurer.batch.max_interval_s = 1;
  insurer.batch.max_samples = 1000;
  p.grantees.push_back(insurer);
  // Polls the engine speed too, which no grantee receives: the gate drops it.
  p.obd = policy::ObdPolling{true, {0x0D, 0xA6, 0x0C}, 200};
  return p;
}

TEST(ObdPipelineInGuest, PolledValuesArriveInSignedBatches) {
  AG_SKIP_WITHOUT_ISOTP("vcan0");
  ASSERT_TRUE(pipeline::Reactor::block_signals().has_value());
  Simulator simulator("vcan0", g_scenario);
  ASSERT_TRUE(simulator.ready());

  std::vector<can::Database> buses;
  buses.push_back(can::parse_dbc(can::obd_dbc_text(), "obd.dbc").value());
  const std::vector<std::string> names = {"obd"};
  const std::string json =
      "{\"vss_version\": \"6.0\", \"signals\": [" + can::obd_vss_mapping_entries("obd") + "]}";
  const normaliser::VssMapping mapping =
      normaliser::VssMapping::parse(json, "obd", buses, names).value();
  can::Decoder decoder = can::Decoder::compile(buses).value();
  normaliser::VssNormaliser normaliser =
      normaliser::VssNormaliser::compile(mapping, decoder.signals());

  const signing::SecretKey key = pipeline::testing::test_key();
  BoundedQueue<OutgoingBatch> queue(1024);
  FramePipeline frames(std::move(decoder), std::move(normaliser), key, "boot1", queue);
  const policy::Policy policy = speed_and_odometer_policy();
  Result<policy::PolicyGate> gate =
      policy::PolicyGate::compile(policy, frames.normaliser().vss_paths());
  ASSERT_TRUE(gate.has_value()) << gate.error().message();
  std::vector<signing::StreamCursor> cursors(gate->grantee_count());
  frames.apply_policy(std::move(*gate), signing::Hash256{}, cursors);

  can::ObdPollerOptions options;
  options.interface = "vcan0";
  options.bus = 0;
  Result<std::unique_ptr<pipeline::ObdFrameSource>> source =
      pipeline::ObdFrameSource::open(options, names, policy.obd, frames.texts());
  ASSERT_TRUE(source.has_value()) << source.error().message();
  std::vector<std::unique_ptr<pipeline::FrameSource>> sources;
  sources.push_back(std::move(*source));
  Result<pipeline::Reactor> reactor = pipeline::Reactor::create(frames, std::move(sources), {});
  ASSERT_TRUE(reactor.has_value()) << reactor.error().message();
  std::thread stopper([] {
    std::this_thread::sleep_for(std::chrono::seconds(4));
    kill(getpid(), SIGTERM);
  });
  const Result<void> ran = reactor->run();
  stopper.join();
  ASSERT_TRUE(ran.has_value()) << ran.error().message();

  EXPECT_GT(frames.counters().frames, 20u);
  int batches = 0;
  OutgoingBatch out;
  std::string all;
  while (queue.try_pop(out)) {
    const Result<signing::VerifiedEnvelope> envelope =
        signing::verify_envelope(out.batch.envelope, signing::address_of(key));
    ASSERT_TRUE(envelope.has_value()) << envelope.error().message();
    all += envelope->data;
    ++batches;
  }
  EXPECT_GE(batches, 3);
  EXPECT_NE(all.find(",50]"), std::string::npos) << all;       // Vehicle.Speed 50 km/h
  EXPECT_NE(all.find(",12345.6]"), std::string::npos) << all;  // odometer
  EXPECT_NE(all.find("\"Vehicle.Speed\""), std::string::npos);
  EXPECT_NE(all.find("\"Vehicle.TraveledDistance\""), std::string::npos);
  EXPECT_EQ(all.find("CombustionEngine"), std::string::npos) << "not granted, yet sent";
  // The scenario's VIN and its ECU's stored DTCs (01 33 -> P0133, C1 00 -> U0100), as text.
  EXPECT_NE(all.find("\"Vehicle.VehicleIdentification.VIN\":[[0,\"KMHK381GFMU123456\"]]"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find(",[\"P0133\",\"U0100\"]]"), std::string::npos) << all;
}

}  // namespace
}  // namespace autograph::obd_vm
