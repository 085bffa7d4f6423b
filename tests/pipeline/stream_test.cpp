#include "pipeline/stream.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "autograph/signing/keccak256.hpp"
#include "pipeline/stream_cursor_file.hpp"
#include "pipeline_test_support.hpp"

namespace autograph::pipeline {
namespace {

using testing::ScratchDir;
using testing::test_key;

constexpr uint64_t kT0 = 1'764'150'000'123'000'000ull;  // 2025-11-26, ns since the epoch
constexpr uint64_t kMs = 1'000'000;

StreamSettings settings(int64_t interval_s, int64_t max_samples) {
  StreamSettings s;
  s.name = "insurer";
  s.max_interval_s = interval_s;
  s.max_samples = max_samples;
  s.vss_paths = {"Vehicle.Speed", "Vehicle.TraveledDistance", "Vehicle.Cabin.Door"};
  s.receives = {true, true, false};
  return s;
}

std::chrono::system_clock::time_point at(uint64_t t_ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(t_ns)));
}

signing::VerifiedEnvelope verify(const signing::SignedBatch& batch) {
  Result<signing::VerifiedEnvelope> verified = signing::verify_envelope(batch.envelope, {});
  EXPECT_TRUE(verified.has_value()) << verified.error().message();
  return verified.value();
}

TEST(Stream, WritesTheExactDataJsonForAKnownInput) {
  const signing::SecretKey key = test_key();
  Stream stream(key, settings(10, 100), "boot1", {});
  stream.append(1, kT0 + 5 * kMs, 123456000.0);
  stream.append(0, kT0, 52.1);
  stream.append(0, kT0 + 1000 * kMs + 999'999, 53.0);  // sub-ms part is cut, not rounded
  stream.add_dropped(2, 3, 4);
  BatchContext context;
  context.policy[31] = 0xab;
  context.clock = signing::ClockState::kSynced;
  Result<signing::SignedBatch> batch = stream.close(context, at(kT0 + 2000 * kMs));
  ASSERT_TRUE(batch.has_value()) << batch.error().message();
  const signing::VerifiedEnvelope envelope = verify(*batch);
  EXPECT_EQ(envelope.data,
            "{\"v\":1,\"stream\":\"insurer\",\"seq\":0,\"prev\":\"0x" + std::string(64, '0') +
                "\",\"policy\":\"0x" + std::string(62, '0') +
                "ab\",\"boot\":\"boot1\",\"clock\":\"synced\",\"from\":1764150000123,"
                "\"to\":1764150001123,\"dropped\":{\"kernel\":2,\"queue\":3,\"spool\":4},"
                "\"signals\":{\"Vehicle.Speed\":[[0,52.1],[1000,53]],"
                "\"Vehicle.TraveledDistance\":[[5,123456000]]}}");
  EXPECT_EQ(batch->seq, 0u);
  EXPECT_TRUE(stream.empty());
}

TEST(Stream, WritesTextSignalsAsTheirTexts) {
  const signing::SecretKey key = test_key();
  StreamSettings s = settings(10, 100);
  s.vss_paths = {"Vehicle.Speed", "Vehicle.VehicleIdentification.VIN", "Vehicle.OBD.DTCList"};
  s.receives = {true, true, true};
  SignalTexts texts(s.vss_paths);
  s.texts = &texts;
  Stream stream(key, s, "boot1", {});
  const uint32_t none = texts.intern(2, "[]").value();
  const uint32_t two = texts.intern(2, R"(["P0133","U0100"])").value();
  stream.append(1, kT0, texts.intern(1, R"("KMHK381GFMU123456")").value());
  stream.append(2, kT0 + 1 * kMs, two);
  stream.append(2, kT0 + 2 * kMs, none);
  stream.append(0, kT0 + 3 * kMs, 1.0);  // a number beside them stays a number
  Result<signing::SignedBatch> batch = stream.close({}, at(kT0 + 10 * kMs));
  ASSERT_TRUE(batch.has_value()) << batch.error().message();
  EXPECT_NE(
      verify(*batch).data.find(R"("signals":{"Vehicle.Speed":[[3,1]],)"
                               R"("Vehicle.VehicleIdentification.VIN":[[0,"KMHK381GFMU123456"]],)"
                               R"("Vehicle.OBD.DTCList":[[1,["P0133","U0100"]],[2,[]]]}})"),
      std::string::npos)
      << verify(*batch).data;
}

TEST(Stream, ReportsFullWhenMaxSamplesIsReached) {
  const signing::SecretKey key = test_key();
  Stream stream(key, settings(3600, 3), "boot1", {});
  EXPECT_FALSE(stream.append(0, kT0, 1));
  EXPECT_FALSE(stream.append(1, kT0 + kMs, 2));
  EXPECT_TRUE(stream.append(0, kT0 + 2 * kMs, 3));
  EXPECT_EQ(stream.sample_count(), 3u);
  ASSERT_TRUE(stream.close({}, at(kT0)).has_value());
  EXPECT_FALSE(stream.append(0, kT0 + 3 * kMs, 4)) << "the count restarts after a close";
}

TEST(Stream, DeadlineIsTheIntervalAfterTheFirstSample) {
  const signing::SecretKey key = test_key();
  Stream stream(key, settings(2, 1000), "boot1", {});
  EXPECT_EQ(stream.deadline_ns(), UINT64_MAX) << "an empty batch has no deadline";
  stream.append(0, kT0 + 7 * kMs, 1);
  stream.append(0, kT0 + 1500 * kMs, 1);
  EXPECT_EQ(stream.deadline_ns(), kT0 + 7 * kMs + 2'000'000'000ull);
  ASSERT_TRUE(stream.close({}, at(kT0)).has_value());
  EXPECT_EQ(stream.deadline_ns(), UINT64_MAX);
  stream.append(1, kT0 + 3000 * kMs, 1);
  EXPECT_EQ(stream.deadline_ns(), kT0 + 5000 * kMs);
}

TEST(Stream, DropCountersRestartAfterEachBatch) {
  const signing::SecretKey key = test_key();
  Stream stream(key, settings(10, 100), "boot1", {});
  stream.add_dropped(1, 1, 1);
  stream.append(0, kT0, 1);
  ASSERT_TRUE(stream.close({}, at(kT0)).has_value());
  stream.append(0, kT0 + kMs, 1);
  Result<signing::SignedBatch> second = stream.close({}, at(kT0));
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(verify(*second).data.find("\"dropped\":{\"kernel\":0,\"queue\":0,\"spool\":0}"),
            std::string::npos);
  EXPECT_NE(verify(*second).data.find("\"clock\":\"unsynced\""), std::string::npos);
}

TEST(Stream, ChainsBatchesAndContinuesAcrossARestart) {
  const signing::SecretKey key = test_key();
  ScratchDir dir("ag-stream-chain");
  const StreamCursorFile file(dir.path() / "insurer.cursor");
  signing::ChainVerifier chain;
  {
    Result<signing::StreamCursor> cursor = file.load();
    ASSERT_TRUE(cursor.has_value());
    Stream stream(key, settings(10, 2), "bootA", *cursor);
    for (uint64_t i = 0; i < 3; ++i) {
      stream.append(0, kT0 + i * kMs, static_cast<double>(i));
      Result<signing::SignedBatch> batch = stream.close({}, at(kT0));
      ASSERT_TRUE(batch.has_value());
      chain.add(verify(*batch));
      ASSERT_TRUE(file.save(stream.cursor()).has_value());
    }
  }
  Result<signing::StreamCursor> cursor = file.load();
  ASSERT_TRUE(cursor.has_value()) << cursor.error().message();
  EXPECT_EQ(cursor->next_seq, 3u);
  Stream restarted(key, settings(10, 2), "bootB", *cursor);
  restarted.append(0, kT0 + 10 * kMs, 9);
  Result<signing::SignedBatch> batch = restarted.close({}, at(kT0));
  ASSERT_TRUE(batch.has_value());
  const signing::VerifiedEnvelope envelope = verify(*batch);
  EXPECT_EQ(envelope.seq, 3u);
  chain.add(envelope);
  EXPECT_TRUE(chain.findings().empty()) << chain.findings().front().message;
  EXPECT_EQ(chain.batch_count(), 4u);
}

TEST(StreamCursorFile, RefusesADamagedFileInsteadOfRestartingTheChain) {
  ScratchDir dir("ag-stream-cursor");
  const StreamCursorFile file(dir.path() / "insurer.cursor");
  std::ofstream(file.path()) << "autograph-cursor 1 12 0x12\n";
  Result<signing::StreamCursor> cursor = file.load();
  ASSERT_FALSE(cursor.has_value());
  EXPECT_EQ(cursor.error().code(), ErrorCode::kDataLoss);
  EXPECT_NE(cursor.error().message().find("insurer.cursor"), std::string::npos);
}

TEST(StreamCursorFile, RoundTripsACursor) {
  ScratchDir dir("ag-stream-cursor-rt");
  const StreamCursorFile file(dir.path() / "s.cursor");
  signing::StreamCursor cursor;
  cursor.next_seq = 18446744073709551615ull;
  cursor.prev.fill(0xfe);
  ASSERT_TRUE(file.save(cursor).has_value());
  Result<signing::StreamCursor> loaded = file.load();
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  EXPECT_EQ(loaded->next_seq, cursor.next_seq);
  EXPECT_EQ(loaded->prev, cursor.prev);
}

TEST(StreamDeathTest, AbortsOnASignalOutsideTheTable) {
  const signing::SecretKey key = test_key();
  Stream stream(key, settings(10, 100), "boot1", {});
  EXPECT_DEATH(stream.append(3, kT0, 1), "out of range");
}

}  // namespace
}  // namespace autograph::pipeline
