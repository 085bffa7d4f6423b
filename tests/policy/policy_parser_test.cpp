#include "policy/policy_parser.hpp"

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace autograph::policy {
namespace {

using nlohmann::json;

// A minimal valid policy; each test changes one thing.
json base_policy() {
  return json::parse(R"({
    "device": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
    "version": 1,
    "issued": "2026-01-01T00:00:00Z",
    "expires": "2027-01-01T00:00:00Z",
    "grantees": [{
      "name": "owner",
      "endpoint": {"host": "mqtt.example.org", "port": 8883, "ca": "/etc/ca.pem",
                   "topic": "v/{device}/{grantee}"},
      "signals": [{"path": "Vehicle.Speed", "every_ms": 1000},
                  {"path": "Vehicle.CurrentLocation.*", "on_change": true}],
      "batch": {"max_interval_s": 10, "max_samples": 100}
    }]
  })");
}

// The error message of parsing base_policy() after `edit`, or "" when it parses.
std::string error_after(const std::function<void(json&)>& edit) {
  json document = base_policy();
  edit(document);
  const auto policy = parse_policy(document.dump(), "p.json");
  if (policy) {
    return "";
  }
  EXPECT_EQ(policy.error().code(), ErrorCode::kMalformed);
  return policy.error().message();
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.starts_with(prefix);
}

TEST(PolicyParser, ParsesTheBasePolicy) {
  const auto policy = parse_policy(base_policy().dump(), "p.json");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_EQ(policy->version, 1u);
  EXPECT_EQ(policy->issued_ms, 1767225600000);
  ASSERT_EQ(policy->grantees.size(), 1u);
  EXPECT_EQ(policy->grantees[0].endpoint.port, 8883);
  EXPECT_EQ(policy->grantees[0].signals[1].kind, RateKind::kOnChange);
  EXPECT_FALSE(policy->obd.has_value());
}

TEST(PolicyParser, ParsesTheShippedExample) {
  std::ifstream file(AUTOGRAPH_SOURCE_DIR "/examples/policy.json");
  std::stringstream text;
  text << file.rdbuf();
  const auto policy = parse_policy(text.str(), "examples/policy.json");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  ASSERT_EQ(policy->grantees.size(), 2u);
  EXPECT_EQ(policy->grantees[1].name, "insurer");
  EXPECT_EQ(policy->grantees[1].signals[2].precision_m, 5000);
  ASSERT_TRUE(policy->obd.has_value());
  EXPECT_EQ(policy->obd->pids.size(), 3u);
}

TEST(PolicyParser, NamesAnUnknownKeyByItsPath) {
  const std::string error = error_after([](json& p) {
    p["grantees"][0]["signals"][0].erase("every_ms");
    p["grantees"][0]["signals"][0]["evry_ms"] = 1000;
  });
  EXPECT_TRUE(starts_with(error, "p.json: grantees[0].signals[0].evry_ms: unknown key")) << error;
}

TEST(PolicyParser, RejectsUnknownKeysAtEveryLevel) {
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["owner"] = "x"; }), "p.json: owner: unknown key"));
  EXPECT_TRUE(starts_with(error_after([](json& p) { p["grantees"][0]["rate"] = 1; }),
                          "p.json: grantees[0].rate: unknown key"));
  EXPECT_TRUE(starts_with(error_after([](json& p) { p["grantees"][0]["endpoint"]["tls"] = false; }),
                          "p.json: grantees[0].endpoint.tls: unknown key"));
  EXPECT_TRUE(starts_with(error_after([](json& p) { p["grantees"][0]["batch"]["bytes"] = 1; }),
                          "p.json: grantees[0].batch.bytes: unknown key"));
  EXPECT_TRUE(starts_with(error_after([](json& p) {
                            p["grantees"][0]["signals"][1]["blackout"] =
                                json::parse(R"([{"lat":1,"lon":2,"radius_m":3,"r":4}])");
                          }),
                          "p.json: grantees[0].signals[1].blackout[0].r: unknown key"));
  EXPECT_TRUE(starts_with(error_after([](json& p) {
                            p["obd"] = json::parse(
                                R"({"enabled":true,"pids":[12],"interval_ms":1000,"mode":1})");
                          }),
                          "p.json: obd.mode: unknown key"));
}

TEST(PolicyParser, RejectsMissingRequiredKeys) {
  for (const char* key : {"device", "version", "issued", "expires", "grantees"}) {
    EXPECT_EQ(error_after([&](json& p) { p.erase(key); }),
              std::string("p.json: ") + key + ": missing required key");
  }
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["endpoint"].erase("ca"); }),
            "p.json: grantees[0].endpoint.ca: missing required key");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["batch"].erase("max_samples"); }),
            "p.json: grantees[0].batch.max_samples: missing required key");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["signals"][0].erase("path"); }),
            "p.json: grantees[0].signals[0].path: missing required key");
}

TEST(PolicyParser, RejectsWrongTypes) {
  EXPECT_EQ(error_after([](json& p) { p["version"] = "2"; }),
            "p.json: version: expected an integer, got a string");
  EXPECT_EQ(error_after([](json& p) { p["version"] = 2.5; }),
            "p.json: version: expected an integer, got a number");
  EXPECT_EQ(error_after([](json& p) { p["grantees"] = json::object(); }),
            "p.json: grantees: expected an array, got an object");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["endpoint"] = "mqtt://x"; }),
            "p.json: grantees[0].endpoint: expected an object, got a string");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["signals"][1]["on_change"] = 1; }),
            "p.json: grantees[0].signals[1].on_change: expected true or false, got an integer");
  EXPECT_EQ(error_after([](json& p) { p = json::array(); }),
            "p.json: (root): expected an object, got an array");
}

TEST(PolicyParser, RejectsOutOfRangeNumbers) {
  EXPECT_EQ(error_after([](json& p) { p["version"] = 0; }),
            "p.json: version: 0 is out of range 1..9007199254740991");
  EXPECT_EQ(error_after([](json& p) { p["version"] = 9007199254740992ull; }),
            "p.json: version: 9007199254740992 is out of range 1..9007199254740991");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["endpoint"]["port"] = 65536; }),
            "p.json: grantees[0].endpoint.port: 65536 is out of range 1..65535");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["signals"][0]["every_ms"] = 0; }),
            "p.json: grantees[0].signals[0].every_ms: 0 is out of range 1..86400000");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["signals"][1]["deadband"] = -1; }),
            "p.json: grantees[0].signals[1].deadband: -1 is out of range 0..1000000000000000");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["batch"]["max_interval_s"] = 3601; }),
            "p.json: grantees[0].batch.max_interval_s: 3601 is out of range 1..3600");
  EXPECT_TRUE(starts_with(error_after([](json& p) {
                            p["grantees"][0]["signals"][1]["blackout"] =
                                json::parse(R"([{"lat":91,"lon":2,"radius_m":3}])");
                          }),
                          "p.json: grantees[0].signals[1].blackout[0].lat: 91 is out of range"));
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["grantees"][0]["signals"][1]["precision_m"] = 0.5; }),
                  "p.json: grantees[0].signals[1].precision_m: 0.5 is out of range"));
}

TEST(PolicyParser, RejectsBadAddressesAndTimes) {
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["device"] = "0x1234"; }), "p.json: device: "));
  // Mixed case must be the EIP-55 checksum: one letter's case flipped is refused.
  EXPECT_TRUE(starts_with(
      error_after([](json& p) { p["device"] = "0x7e5F4552091A69125d5DfCb7b8C2659029395Bdf"; }),
      "p.json: device: "));
  EXPECT_EQ(
      error_after([](json& p) { p["device"] = "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"; }), "");
  EXPECT_TRUE(starts_with(error_after([](json& p) { p["issued"] = "2026-01-01 00:00:00"; }),
                          "p.json: issued: \"2026-01-01 00:00:00\" is not an RFC 3339 UTC time"));
  EXPECT_TRUE(starts_with(error_after([](json& p) { p["expires"] = "2027-01-01T00:00:00+01:00"; }),
                          "p.json: expires: "));
  EXPECT_EQ(error_after([](json& p) { p["expires"] = p["issued"]; }),
            "p.json: expires: must be later than issued");
}

TEST(PolicyParser, RejectsRateRulesThatAreNotExactlyOne) {
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["signals"][0]["on_change"] = true; }),
            "p.json: grantees[0].signals[0]: needs exactly one of every_ms and on_change");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["signals"][0].erase("every_ms"); }),
            "p.json: grantees[0].signals[0]: needs exactly one of every_ms and on_change");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["signals"][0]["deadband"] = 1; }),
            "p.json: grantees[0].signals[0].deadband: applies only with on_change");
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["grantees"][0]["signals"][1]["on_change"] = false; }),
                  "p.json: grantees[0].signals[1].on_change: must be true"));
}

TEST(PolicyParser, RejectsPrivacyTransformsOnSignalsOtherThanLocation) {
  const std::string error =
      error_after([](json& p) { p["grantees"][0]["signals"][0]["precision_m"] = 100; });
  EXPECT_TRUE(starts_with(error,
                          "p.json: grantees[0].signals[0]: precision_m and blackout apply "
                          "only to Vehicle.CurrentLocation.Latitude"))
      << error;
}

TEST(PolicyParser, RejectsBadSignalPaths) {
  EXPECT_TRUE(starts_with(
      error_after([](json& p) { p["grantees"][0]["signals"][0]["path"] = "Vehicle.Spe*"; }),
      "p.json: grantees[0].signals[0].path: \"Vehicle.Spe*\": '*' must be"));
  EXPECT_TRUE(starts_with(
      error_after([](json& p) { p["grantees"][0]["signals"][0]["path"] = "Vehicle..Speed"; }),
      "p.json: grantees[0].signals[0].path: \"Vehicle..Speed\": empty segment"));
}

TEST(PolicyParser, RejectsBadGranteesAndEndpoints) {
  EXPECT_EQ(error_after([](json& p) { p["grantees"].push_back(p["grantees"][0]); }),
            "p.json: grantees[1].name: \"owner\" is already the name of another grantee");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["name"] = "../etc"; }),
            "p.json: grantees[0].name: expected 1..32 of A-Z a-z 0-9 _ -");
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["name"] = "status"; }),
            "p.json: grantees[0].name: \"status\" is reserved for the device's status events");
  EXPECT_EQ(error_after([](json& p) { p["grantees"] = json::array(); }),
            "p.json: grantees: has 0 elements; expected 1..16");
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["grantees"][0]["endpoint"]["ca"] = "certs/ca.pem"; }),
                  "p.json: grantees[0].endpoint.ca: expected an absolute path"));
  EXPECT_EQ(error_after([](json& p) { p["grantees"][0]["endpoint"]["client_cert"] = "/c.pem"; }),
            "p.json: grantees[0].endpoint: client_cert and client_key go together");
  EXPECT_TRUE(starts_with(error_after([](json& p) {
                            p["grantees"][0]["endpoint"]["client_cert"] = "/c.pem";
                            p["grantees"][0]["endpoint"]["client_key"] = "-----BEGIN KEY-----";
                          }),
                          "p.json: grantees[0].endpoint.client_key: expected an absolute path"));
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["grantees"][0]["endpoint"]["topic"] = "v/{vin}"; }),
                  "p.json: grantees[0].endpoint.topic: unknown placeholder \"{vin}\""));
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["grantees"][0]["endpoint"]["topic"] = "v/#"; }),
                  "p.json: grantees[0].endpoint.topic: character '#' is not allowed"));
  EXPECT_TRUE(
      starts_with(error_after([](json& p) { p["grantees"][0]["endpoint"]["host"] = "a b"; }),
                  "p.json: grantees[0].endpoint.host: expected a host name"));
}

TEST(PolicyParser, RejectsBadObdSections) {
  EXPECT_EQ(error_after([](json& p) {
              p["obd"] = json::parse(R"({"enabled":true,"pids":[12,12],"interval_ms":1000})");
            }),
            "p.json: obd.pids[1]: PID 12 listed twice");
  EXPECT_EQ(error_after([](json& p) {
              p["obd"] = json::parse(R"({"enabled":true,"pids":[],"interval_ms":1000})");
            }),
            "p.json: obd.pids: has 0 elements; expected 1..64");
  EXPECT_TRUE(starts_with(error_after([](json& p) {
                            p["obd"] =
                                json::parse(R"({"enabled":true,"pids":[256],"interval_ms":1000})");
                          }),
                          "p.json: obd.pids[0]: 256 is out of range 0..255"));
  EXPECT_EQ(error_after([](json& p) {
              p["obd"] = json::parse(R"({"enabled":false,"pids":[],"interval_ms":1000})");
            }),
            "");
}

TEST(PolicyParser, GivesLineAndColumnForSyntaxErrors) {
  const auto policy = parse_policy("{\n  \"device\": \"0x00\",\n  \"version\": 1,,\n}", "p.json");
  ASSERT_FALSE(policy.has_value());
  EXPECT_TRUE(starts_with(policy.error().message(), "p.json:3:")) << policy.error().message();
}

TEST(PolicyParser, RejectsDuplicateKeys) {
  const auto policy = parse_policy(R"({"version": 1, "version": 2})", "p.json");
  ASSERT_FALSE(policy.has_value());
  EXPECT_EQ(policy.error().message(), "p.json: (root): duplicate key \"version\"");
}

TEST(PolicyParser, ExpandsTopicTemplates) {
  EXPECT_EQ(expand_topic("v/{device}/{grantee}/x", "0xab", "insurer"), "v/0xab/insurer/x");
  EXPECT_EQ(expand_topic("plain", "0xab", "insurer"), "plain");
}

}  // namespace
}  // namespace autograph::policy
