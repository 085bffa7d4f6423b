#include "config/device_config.hpp"

#include <filesystem>
#include <fstream>
#include <functional>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace autograph::config {
namespace {

using nlohmann::json;

json base_config() {
  return json::parse(R"({
    "can": [{"interface": "can0", "bitrate": 500000, "restart_ms": 100},
            {"interface": "can1", "bitrate": 250000}],
    "vehicle": {"dbc": {"can0": ["rav4/vehicle.dbc"], "can1": ["/opt/radar.dbc"]},
                "vss_mapping": "rav4/vss.json"}
  })");
}

std::string error_after(const std::function<void(json&)>& edit) {
  json document = base_config();
  edit(document);
  const auto config = parse_device_config(document.dump(), "c.json", "/etc/autograph");
  if (config) {
    return "";
  }
  EXPECT_EQ(config.error().code(), ErrorCode::kMalformed);
  return config.error().message();
}

TEST(DeviceConfig, ParsesAConfigAndAppliesDefaults) {
  const auto config = parse_device_config(base_config().dump(), "c.json", "/etc/autograph");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  ASSERT_EQ(config->can.size(), 2u);
  EXPECT_EQ(config->can[0].restart_ms, 100u);
  EXPECT_FALSE(config->can[1].restart_ms.has_value());
  EXPECT_EQ(config->vehicle.dbc.at("can0")[0], "/etc/autograph/rav4/vehicle.dbc");
  EXPECT_EQ(config->vehicle.dbc.at("can1")[0], "/opt/radar.dbc");
  EXPECT_EQ(config->vehicle.vss_mapping, "/etc/autograph/rav4/vss.json");
  EXPECT_EQ(config->state_dir, "/var/lib/autograph");
  EXPECT_EQ(config->key, "/var/lib/autograph/device.key");
  EXPECT_EQ(config->spool_dir, "/var/lib/autograph/spool");
  EXPECT_EQ(config->spool_max_bytes, 64u << 20);
}

TEST(DeviceConfig, TakesExplicitLocations) {
  json document = base_config();
  document.merge_patch(json::parse(
      R"({"key": "k", "state_dir": "/state", "spool": {"dir": "/spool", "max_bytes": 2097152}})"));
  const auto config = parse_device_config(document.dump(), "c.json", "/etc");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->key, "/etc/k");
  EXPECT_EQ(config->state_dir, "/state");
  EXPECT_EQ(config->spool_dir, "/spool");
  EXPECT_EQ(config->spool_max_bytes, 2u << 20);
}

TEST(DeviceConfig, RejectsUnknownKeysNamingThem) {
  EXPECT_TRUE(
      error_after([](json& c) { c["owner"] = "0x00"; }).starts_with("c.json: owner: unknown key"));
  EXPECT_TRUE(error_after([](json& c) {
                c["can"][1]["bitrat"] = 1;
              }).starts_with("c.json: can[1].bitrat: unknown key"));
  EXPECT_TRUE(error_after([](json& c) {
                c["vehicle"]["vss"] = "x";
              }).starts_with("c.json: vehicle.vss: unknown key"));
  EXPECT_TRUE(error_after([](json& c) {
                c["spool"] = json::parse(R"({"size": 1})");
              }).starts_with("c.json: spool.size: unknown key"));
}

TEST(DeviceConfig, RejectsBadValues) {
  EXPECT_EQ(error_after([](json& c) { c["can"][0]["bitrate"] = 2000000; }),
            "c.json: can[0].bitrate: 2000000 is out of range 10000..1000000");
  EXPECT_EQ(
      error_after([](json& c) { c["can"][0]["interface"] = "a_very_long_ifname0"; }),
      "c.json: can[0].interface: expected a network interface name, 1..15 of A-Z a-z 0-9 _ - .");
  EXPECT_EQ(error_after([](json& c) { c["can"][1]["interface"] = "can0"; }),
            "c.json: can[1].interface: \"can0\" is configured twice");
  EXPECT_EQ(error_after([](json& c) { c["can"] = json::array(); }),
            "c.json: can: has 0 elements; expected 1..8");
  EXPECT_EQ(error_after([](json& c) { c["vehicle"]["dbc"]["can7"] = {"x.dbc"}; }),
            "c.json: vehicle.dbc.can7: not one of the interfaces in can[]");
  EXPECT_EQ(error_after([](json& c) { c["vehicle"]["dbc"]["can0"] = json::array(); }),
            "c.json: vehicle.dbc.can0: has 0 elements; expected 1..16");
  EXPECT_EQ(error_after([](json& c) { c["vehicle"].erase("vss_mapping"); }),
            "c.json: vehicle.vss_mapping: missing required key");
  EXPECT_EQ(error_after([](json& c) { c["key"] = ""; }), "c.json: key: expected a file path");
  EXPECT_EQ(error_after([](json& c) { c["spool"] = json::parse(R"({"max_bytes": 1000})"); }),
            "c.json: spool.max_bytes: 1000 is out of range 1048576..1099511627776");
  EXPECT_EQ(error_after([](json& c) { c["can"][0]["restart_ms"] = -1; }),
            "c.json: can[0].restart_ms: -1 is out of range 0..60000");
}

TEST(DeviceConfig, BitrateAndTimestampsAreOptional) {
  json document = base_config();
  document["can"][1].erase("bitrate");
  document["can"][1]["timestamps"] = "hardware";
  document["can"][0]["timestamps"] = "software";
  const auto config = parse_device_config(document.dump(), "c.json", "/etc");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->can[0].bitrate, 500000u);
  EXPECT_FALSE(config->can[0].hardware_timestamps);
  EXPECT_EQ(config->can[1].bitrate, 0u) << "absent: the system configures the controller";
  EXPECT_TRUE(config->can[1].hardware_timestamps);
  EXPECT_EQ(error_after([](json& c) { c["can"][0]["timestamps"] = "gps"; }),
            "c.json: can[0].timestamps: \"gps\": expected \"software\" or \"hardware\"");
  EXPECT_TRUE(error_after([](json& c) {
                c["can"][0]["timestamps"] = true;
              }).starts_with("c.json: can[0].timestamps: "));
}

TEST(DeviceConfig, ObdIsOptionalAndTakesAnyInterfaceName) {
  const auto plain = parse_device_config(base_config().dump(), "c.json", "/etc");
  ASSERT_TRUE(plain.has_value()) << plain.error().message();
  EXPECT_FALSE(plain->obd.has_value()) << "absent: nothing is ever sent on a bus";

  json document = base_config();
  document["obd"] = json::parse(R"({"interface": "can0"})");
  const auto defaults = parse_device_config(document.dump(), "c.json", "/etc");
  ASSERT_TRUE(defaults.has_value()) << defaults.error().message();
  ASSERT_TRUE(defaults->obd.has_value());
  EXPECT_EQ(defaults->obd->interface, "can0");
  EXPECT_FALSE(defaults->obd->extended_ids);
  EXPECT_EQ(defaults->obd->min_request_gap_ms, 50u);
  EXPECT_EQ(defaults->obd->response_timeout_ms, 150u);

  document["obd"] = json::parse(
      R"({"interface": "vcan9", "addressing": "29bit", "min_request_gap_ms": 10,
          "response_timeout_ms": 5000})");
  const auto full = parse_device_config(document.dump(), "c.json", "/etc");
  ASSERT_TRUE(full.has_value()) << full.error().message();
  EXPECT_EQ(full->obd->interface, "vcan9") << "an interface that can[] does not list";
  EXPECT_TRUE(full->obd->extended_ids);
  EXPECT_EQ(full->obd->min_request_gap_ms, 10u);
  EXPECT_EQ(full->obd->response_timeout_ms, 5000u);
}

TEST(DeviceConfig, RejectsBadObdValuesNamingThePath) {
  EXPECT_EQ(error_after([](json& c) { c["obd"] = json::object(); }),
            "c.json: obd.interface: missing required key");
  EXPECT_EQ(error_after([](json& c) { c["obd"] = json::parse(R"({"interface": "can 0"})"); }),
            "c.json: obd.interface: expected a network interface name, 1..15 of A-Z a-z 0-9 _ - .");
  EXPECT_EQ(error_after([](json& c) {
              c["obd"] = json::parse(R"({"interface": "can0", "addressing": "extended"})");
            }),
            "c.json: obd.addressing: \"extended\": expected \"11bit\" or \"29bit\"");
  EXPECT_EQ(error_after([](json& c) {
              c["obd"] = json::parse(R"({"interface": "can0", "min_request_gap_ms": 5})");
            }),
            "c.json: obd.min_request_gap_ms: 5 is out of range 10..10000");
  EXPECT_EQ(error_after([](json& c) {
              c["obd"] = json::parse(R"({"interface": "can0", "response_timeout_ms": 6000})");
            }),
            "c.json: obd.response_timeout_ms: 6000 is out of range 50..5000");
  EXPECT_TRUE(error_after([](json& c) {
                c["obd"] = json::parse(R"({"interface": "can0", "pids": [13]})");
              }).starts_with("c.json: obd.pids: unknown key"))
      << "which PIDs is the policy's choice";
  EXPECT_TRUE(error_after([](json& c) { c["obd"] = "can0"; }).starts_with("c.json: obd: "));
}

TEST(DeviceConfig, LoadsAFileResolvingPathsAgainstItsDirectory) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("autograph-config-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "config.json") << base_config().dump(2); }
  const auto config = load_device_config(dir / "config.json");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->vehicle.vss_mapping, dir / "rav4/vss.json");
  std::filesystem::remove_all(dir);
  const auto missing = load_device_config(dir / "config.json");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(missing.error().message().find("config.json: cannot open"), std::string::npos);
}

TEST(DeviceConfig, GivesLineAndColumnForSyntaxErrors) {
  const auto config =
      parse_device_config("{\n\"can\": [\n  {\"interface\" \"can0\"}]}", "c.json", "/");
  ASSERT_FALSE(config.has_value());
  EXPECT_TRUE(config.error().message().starts_with("c.json:3:")) << config.error().message();
}

}  // namespace
}  // namespace autograph::config
