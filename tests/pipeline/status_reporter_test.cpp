// StatusReporter: status events are envelopes that verify as the device's, of type
// autograph.status.v1, on their own chain; a full queue loses an event, counted, and the chain
// shows the gap.
#include "pipeline/status_reporter.hpp"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "pipeline_test_support.hpp"

namespace autograph::pipeline {
namespace {

StatusEvent sample_event() {
  StatusEvent event;
  event.uptime_s = 42;
  SourceStatus source{"can0", {"can0"}, {}};
  source.counters.frames = 1000;
  source.counters.frames_per_bus[0] = 1000;
  source.counters.down = true;
  source.counters.outages = 2;
  event.sources.push_back(source);
  event.decoder.unknown_id = 7;
  event.pipeline.batches = 3;
  event.pipeline.batches_lost = 1;
  event.spools.push_back({"insurer", 2, 900});
  event.endpoints.push_back({"broker:8883",
                             {"insurer", "status"},
                             "waiting to retry",
                             1,
                             "broker:8883: connection refused"});
  event.policy_version = 4;
  event.last_refusal = PolicyRefusalRecord{"expired", "p.json: expired at ...", 1764190000123};
  return event;
}

TEST(StatusReporter, SignsEachEventOnItsOwnChainAndQueuesIt) {
  const signing::SecretKey key = testing::test_key();
  BoundedQueue<OutgoingBatch> queue(4);
  const int wake = ::eventfd(0, EFD_NONBLOCK);
  StatusReporter reporter(key, "boot1", {5, signing::Hash256{}}, queue, wake);
  signing::Hash256 policy{};
  policy[0] = 0xab;
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(reporter.report(sample_event(), policy, now));
  ASSERT_TRUE(reporter.report(sample_event(), policy, now));
  uint64_t wakes = 0;
  EXPECT_EQ(::read(wake, &wakes, sizeof wakes), static_cast<ssize_t>(sizeof wakes));
  EXPECT_EQ(wakes, 2u);
  ::close(wake);

  signing::ChainVerifier chain;
  for (uint64_t seq = 5; seq < 7; ++seq) {
    OutgoingBatch out;
    ASSERT_TRUE(queue.try_pop(out));
    EXPECT_EQ(out.stream, "status");
    EXPECT_EQ(out.batch.seq, seq);
    EXPECT_EQ(out.cursor.next_seq, seq + 1);
    auto envelope = signing::verify_envelope(out.batch.envelope, signing::address_of(key));
    ASSERT_TRUE(envelope.has_value()) << envelope.error().message();
    EXPECT_EQ(envelope->type, "autograph.status.v1");
    EXPECT_EQ(envelope->stream, "status");
    EXPECT_EQ(envelope->seq, seq);
    EXPECT_EQ(envelope->policy, policy);
    chain.add(*envelope);
    const auto data = nlohmann::json::parse(envelope->data);
    EXPECT_EQ(data["uptime_s"], 42);
    EXPECT_EQ(data["sources"][0]["frames_per_bus"]["can0"], 1000);
    EXPECT_EQ(data["sources"][0]["down"], true);
    EXPECT_EQ(data["sources"][0]["outages"], 2);
    EXPECT_EQ(data["decoder"]["unknown_id"], 7);
    EXPECT_EQ(data["dropped"]["queue"], 1);
    EXPECT_EQ(data["spool"]["insurer"]["bytes"], 900);
    EXPECT_EQ(data["endpoints"][0]["state"], "waiting to retry");
    EXPECT_EQ(data["endpoints"][0]["streams"][1], "status");
    EXPECT_EQ(data["policy_state"]["version"], 4);
    EXPECT_EQ(data["policy_state"]["last_refusal"]["reason"], "expired");
    EXPECT_EQ(data["policy_state"]["last_refusal"]["time"], 1764190000123);
  }
  for (const signing::ChainFinding& finding : chain.findings()) {
    EXPECT_FALSE(finding.is_error()) << finding.message;
  }
  EXPECT_EQ(reporter.sent(), 2u);
}

TEST(StatusReporter, AFullQueueLosesTheEventCountedAndItsSeqIsNotReused) {
  const signing::SecretKey key = testing::test_key();
  BoundedQueue<OutgoingBatch> queue(1);
  StatusReporter reporter(key, "boot1", {}, queue, -1);
  const auto now = std::chrono::system_clock::now();
  EXPECT_TRUE(reporter.report(StatusEvent{}, {}, now));
  EXPECT_FALSE(reporter.report(StatusEvent{}, {}, now));
  EXPECT_EQ(reporter.lost(), 1u);
  EXPECT_EQ(reporter.cursor().next_seq, 2u);
  OutgoingBatch out;
  ASSERT_TRUE(queue.try_pop(out));
  EXPECT_TRUE(reporter.report(StatusEvent{}, {}, now));
  ASSERT_TRUE(queue.try_pop(out));
  EXPECT_EQ(out.batch.seq, 2u) << "receivers see the gap at seq 1";
  const auto data = nlohmann::json::parse(
      signing::verify_envelope(out.batch.envelope, std::nullopt).value().data);
  EXPECT_TRUE(data["policy_state"]["last_refusal"].is_null());
  EXPECT_TRUE(data["endpoints"].empty());
}

TEST(StatusReporter, CarriesTheObdPollersCountersAndItsEcusWhenItPolls) {
  const signing::SecretKey key = testing::test_key();
  BoundedQueue<OutgoingBatch> queue(2);
  StatusReporter reporter(key, "boot1", {}, queue, -1);
  const auto now = std::chrono::system_clock::now();
  StatusEvent event;
  ObdStatus obd;
  obd.requests = 120;
  obd.multi_pid_refusals = 1;
  obd.learned_addresses = 1;
  obd.unknown_responders = 2;
  obd.ecus.push_back({0x18DAF110u | can::CanFrame::kEffFlag, true, 0, 0});
  obd.ecus.push_back({0x18DAF118u | can::CanFrame::kEffFlag, true, 3, 1});
  obd.last_error = "OBD poller on can0: an ECU answers from 18DAF129, ...";
  event.obd = obd;
  ASSERT_TRUE(reporter.report(event, {}, now));
  ASSERT_TRUE(reporter.report(StatusEvent{}, {}, now));
  OutgoingBatch out;
  ASSERT_TRUE(queue.try_pop(out));
  auto data = nlohmann::json::parse(
      signing::verify_envelope(out.batch.envelope, signing::address_of(key)).value().data);
  EXPECT_EQ(data["obd"]["requests"], 120);
  EXPECT_EQ(data["obd"]["multi_pid_refusals"], 1);
  EXPECT_EQ(data["obd"]["learned_addresses"], 1);
  EXPECT_EQ(data["obd"]["unknown_responders"], 2);
  EXPECT_EQ(data["obd"]["ecus"][0]["id"], "0x18daf110");  // the 29-bit ID, without the EFF flag
  EXPECT_EQ(data["obd"]["ecus"][1]["id"], "0x18daf118");
  EXPECT_EQ(data["obd"]["ecus"][1]["failures"], 3);
  EXPECT_EQ(data["obd"]["last_error"], obd.last_error);
  ASSERT_TRUE(queue.try_pop(out));
  data = nlohmann::json::parse(
      signing::verify_envelope(out.batch.envelope, signing::address_of(key)).value().data);
  EXPECT_FALSE(data.contains("obd")) << "no poller, no obd section";
}

}  // namespace
}  // namespace autograph::pipeline
