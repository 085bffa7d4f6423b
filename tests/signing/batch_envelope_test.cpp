#include "autograph/signing/batch_envelope.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autograph/signing/signature.hpp"
#include "signing/test_util.hpp"

namespace autograph::signing {
namespace {

BatchPosition example_position() {
  BatchPosition position;
  position.stream = "insurer";
  position.seq = 42;
  position.prev[0] = 0xab;
  position.boot = "b00t";
  return position;
}

BatchBody example_body() {
  BatchBody body;
  body.policy[31] = 0x01;
  body.clock = ClockState::kSynced;
  body.from_ms = 1764150000123;
  body.to_ms = 1764150010123;
  body.dropped.queue = 3;
  body.signals = {{"Vehicle.Speed", {{0, 52.1}, {1000, 53.0}}},
                  {"Vehicle.TraveledDistance", {{0, 123456000.0}}}};
  return body;
}

TEST(BatchEnvelope, SerialisesTheDesignDocumentsShapeByteForByte) {
  const std::string data = serialize_batch_data(example_position(), example_body());
  EXPECT_EQ(data,
            R"({"v":1,"stream":"insurer","seq":42,)"
            R"("prev":"0xab00000000000000000000000000000000000000000000000000000000000000",)"
            R"("policy":"0x0000000000000000000000000000000000000000000000000000000000000001",)"
            R"("boot":"b00t","clock":"synced","from":1764150000123,"to":1764150010123,)"
            R"("dropped":{"kernel":0,"queue":3,"spool":0},)"
            R"("signals":{"Vehicle.Speed":[[0,52.1],[1000,53]],)"
            R"("Vehicle.TraveledDistance":[[0,123456000]]}})");
}

TEST(BatchEnvelope, WritesExtraDropCountersAndUnsyncedClock) {
  BatchBody body = example_body();
  body.clock = ClockState::kUnsynced;
  body.dropped.other = {{"policy_rate", 7}};
  body.signals.clear();
  const std::string data = serialize_batch_data(example_position(), body);
  EXPECT_NE(data.find(R"("clock":"unsynced")"), std::string::npos);
  EXPECT_NE(data.find(R"("dropped":{"kernel":0,"queue":3,"spool":0,"policy_rate":7})"),
            std::string::npos);
  EXPECT_NE(data.find(R"("signals":{}})"), std::string::npos);
}

TEST(BatchEnvelope, EscapesStreamAndPathNames) {
  BatchPosition position = example_position();
  position.stream = "a\"b";
  BatchBody body = example_body();
  body.signals = {{"Odd\\Path\n", {{5, -1.25}}}};
  const std::string data = serialize_batch_data(position, body);
  const auto parsed = nlohmann::json::parse(data);
  EXPECT_EQ(parsed["stream"], "a\"b");
  EXPECT_EQ(parsed["signals"]["Odd\\Path\n"][0][1], -1.25);
}

TEST(BatchEnvelope, FormatsRfc3339UtcWithMilliseconds) {
  using namespace std::chrono;
  EXPECT_EQ(format_rfc3339_utc(system_clock::time_point(milliseconds(1764150000123))),
            "2025-11-26T09:40:00.123Z");
  EXPECT_EQ(format_rfc3339_utc(system_clock::time_point()), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_utc(system_clock::time_point(milliseconds(-1))),
            "1969-12-31T23:59:59.999Z");
}

TEST(BatchEnvelope, BuildsAnEnvelopeEmbeddingAndSigningTheExactDataBytes) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  const std::string data = serialize_batch_data(example_position(), example_body());
  const EnvelopeAttributes attributes{"2c7536E3605D9C16a7a3D7b1898e529396a65c23:b00t:42",
                                      "autograph/0.1.0", std::string(test::kWeb3DocsAddress),
                                      std::string(kSignalsEventType), "2025-11-26T09:40:10.200Z"};
  auto envelope = build_envelope(key, attributes, data);
  ASSERT_TRUE(envelope) << envelope.error().message();
  const std::string expected_prefix =
      R"({"specversion":"1.0","id":"2c7536E3605D9C16a7a3D7b1898e529396a65c23:b00t:42",)"
      R"("source":"autograph/0.1.0","subject":"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",)"
      R"("type":"autograph.signals.v1","time":"2025-11-26T09:40:10.200Z",)"
      R"("datacontenttype":"application/json","data":)" +
      data + R"(,"signature":")";
  ASSERT_EQ(envelope->substr(0, expected_prefix.size()), expected_prefix);
  const auto parsed = nlohmann::json::parse(*envelope);
  auto signature = Signature::parse_hex(parsed["signature"].get<std::string>());
  ASSERT_TRUE(signature);
  EXPECT_EQ(*signature, sign_digest(key, keccak256(test::as_bytes(data))).value());
  EXPECT_EQ(envelope->size(), expected_prefix.size() + 132 + 2);
}

TEST(BatchEnvelope, WritesTextSignalsAsTheirTextsAndParsesAsJson) {
  const std::vector<std::string> vins = {R"("KMHK381GFMU123456")"};
  const std::vector<std::string> dtcs = {"[]", R"(["P0133","U0100"])"};
  BatchBody body = example_body();
  body.signals = {{"Vehicle.OBD.DTCList", {{0, 1.0}, {500, 0.0}}, &dtcs},
                  {"Vehicle.VehicleIdentification.VIN", {{7, 0.0}}, &vins}};
  const std::string data = serialize_batch_data(example_position(), body);
  EXPECT_NE(data.find(R"("signals":{"Vehicle.OBD.DTCList":[[0,["P0133","U0100"]],[500,[]]],)"
                      R"("Vehicle.VehicleIdentification.VIN":[[7,"KMHK381GFMU123456"]]}})"),
            std::string::npos)
      << data;
  const nlohmann::json parsed = nlohmann::json::parse(data);
  EXPECT_EQ(parsed["signals"]["Vehicle.VehicleIdentification.VIN"][0][1], "KMHK381GFMU123456");
  EXPECT_EQ(parsed["signals"]["Vehicle.OBD.DTCList"][0][1][1], "U0100");
}

TEST(BatchEnvelopeDeathTest, AbortsOnATextValueThatIsNoIndexOfItsTexts) {
  const std::vector<std::string> texts = {R"("A")"};
  for (const double value : {1.0, -1.0, 0.5, 1e300}) {
    BatchBody body = example_body();
    body.signals = {{"Vehicle.VehicleIdentification.VIN", {{0, value}}, &texts}};
    EXPECT_DEATH((void)serialize_batch_data(example_position(), body), "not an index") << value;
  }
}

TEST(BatchEnvelopeDeathTest, AbortsOnDuplicateSignalPaths) {
  BatchBody body = example_body();
  body.signals.push_back(body.signals.front());
  EXPECT_DEATH((void)serialize_batch_data(example_position(), body), "duplicate signal path");
}

TEST(BatchEnvelopeDeathTest, AbortsOnADropCounterNamedLikeAFixedOne) {
  BatchBody body = example_body();
  body.dropped.other = {{"kernel", 1}};
  EXPECT_DEATH((void)serialize_batch_data(example_position(), body), "duplicate dropped");
}

}  // namespace
}  // namespace autograph::signing
