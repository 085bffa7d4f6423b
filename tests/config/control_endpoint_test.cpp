// The configuration's "control" endpoint and status interval: defaults, explicit values, and an
// error naming the member for each kind of mistake.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>

#include "config/device_config.hpp"

namespace autograph::config {
namespace {

using nlohmann::json;

json with_control(const json& control) {
  json document = json::parse(R"({
    "can": [{"interface": "can0", "bitrate": 500000}],
    "vehicle": {"dbc": {"can0": ["v.dbc"]}, "vss_mapping": "m.json"}
  })");
  document["control"] = control;
  return document;
}

std::string error_for(const json& document) {
  const auto config = parse_device_config(document.dump(), "c.json", "/etc/autograph");
  if (config) {
    return "";
  }
  EXPECT_EQ(config.error().code(), ErrorCode::kMalformed);
  return config.error().message();
}

TEST(ControlEndpoint, IsOptionalAndTheStatusIntervalDefaultsToAMinute) {
  json document = with_control(nullptr);
  document.erase("control");
  const auto config = parse_device_config(document.dump(), "c.json", "/etc/autograph");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_FALSE(config->control.has_value());
  EXPECT_EQ(config->status_interval_s, 60u);
}

TEST(ControlEndpoint, TakesDefaultsForTheTopicsAndResolvesPaths) {
  json document = with_control({{"host", "broker.example.com"}, {"port", 8883}, {"ca", "ca.pem"}});
  document["status_interval_s"] = 1;
  const auto config = parse_device_config(document.dump(), "c.json", "/etc/autograph");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  ASSERT_TRUE(config->control.has_value());
  EXPECT_EQ(config->control->host, "broker.example.com");
  EXPECT_EQ(config->control->port, 8883);
  EXPECT_EQ(config->control->ca, "/etc/autograph/ca.pem");
  EXPECT_FALSE(config->control->client_cert.has_value());
  EXPECT_EQ(config->control->status_topic, "autograph/{device}/status");
  EXPECT_EQ(config->control->policy_topic, "autograph/{device}/policy");
  EXPECT_EQ(config->status_interval_s, 1u);
}

TEST(ControlEndpoint, TakesInlinePemClientCredentialsAndTopics) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const auto config = parse_device_config(with_control({{"host", "b"},
                                                        {"port", 1},
                                                        {"ca", pem},
                                                        {"client_cert", pem},
                                                        {"client_key", "/k.pem"},
                                                        {"status_topic", "s/{device}"},
                                                        {"policy_topic", "p/{device}/in"}})
                                              .dump(),
                                          "c.json", "/etc");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->control->ca, pem);
  EXPECT_EQ(config->control->client_cert, pem);
  EXPECT_EQ(config->control->client_key, "/k.pem");
  EXPECT_EQ(config->control->status_topic, "s/{device}");
  EXPECT_EQ(config->control->policy_topic, "p/{device}/in");
}

TEST(ControlEndpoint, RejectsMistakesNamingTheMember) {
  const json good = {{"host", "b"}, {"port", 1}, {"ca", "/ca.pem"}};
  auto edited = [&](const std::function<void(json&)>& edit) {
    json control = good;
    edit(control);
    return error_for(with_control(control));
  };
  EXPECT_NE(edited([](json& c) { c["staus_topic"] = "x"; }).find("control.staus_topic"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) { c.erase("host"); }).find("control.host"), std::string::npos);
  EXPECT_NE(edited([](json& c) { c["host"] = "a b"; }).find("control.host"), std::string::npos);
  EXPECT_NE(edited([](json& c) { c["port"] = 0; }).find("control.port"), std::string::npos);
  EXPECT_NE(edited([](json& c) { c.erase("ca"); }).find("control.ca"), std::string::npos);
  EXPECT_NE(edited([](json& c) { c["client_cert"] = "/c.pem"; }).find("client_key"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) {
              c["client_cert"] = "/c.pem";
              c["client_key"] = "-----BEGIN PRIVATE KEY-----\n";
            }).find("control.client_key"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) { c["status_topic"] = "a/#"; }).find("control.status_topic"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) { c["policy_topic"] = "a/{grantee}"; }).find("control.policy_topic"),
            std::string::npos);
  EXPECT_NE(edited([](json& c) { c["policy_topic"] = ""; }).find("control.policy_topic"),
            std::string::npos);
  json document = with_control(good);
  document["status_interval_s"] = 0;
  EXPECT_NE(error_for(document).find("status_interval_s"), std::string::npos);
  document["control"] = "broker";
  EXPECT_NE(error_for(document).find("control"), std::string::npos);
}

// The documented example and the shipped one are both valid configurations.
TEST(ControlEndpoint, TheExamplesInDocsAndExamplesParse) {
  const auto shipped = load_device_config(AUTOGRAPH_SOURCE_DIR "/examples/config.json");
  EXPECT_TRUE(shipped.has_value()) << shipped.error().message();
  std::ifstream file(AUTOGRAPH_SOURCE_DIR "/docs/configuration.md");
  const std::string page((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const size_t begin = page.find("```json\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = page.find("```", begin + 8);
  const auto documented =
      parse_device_config(page.substr(begin + 8, end - begin - 8), "configuration.md", "/etc");
  ASSERT_TRUE(documented.has_value()) << documented.error().message();
  ASSERT_TRUE(documented->control.has_value());
  EXPECT_EQ(documented->control->client_key, "/etc/autograph/device.pem");
  EXPECT_EQ(documented->status_interval_s, 60u);
}

}  // namespace
}  // namespace autograph::config
