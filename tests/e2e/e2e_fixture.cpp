#include "e2e/e2e_fixture.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <thread>

namespace autograph::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

fs::path test_data(const std::string& name) { return fs::path(AUTOGRAPH_TEST_DATA_DIR) / name; }
fs::path profile(const std::string& name) {
  return fs::path(AUTOGRAPH_SOURCE_DIR) / "vehicles" / name;
}

}  // namespace

void E2eFixture::SetUp() { ASSERT_TRUE(broker_.start()) << broker_.error(); }

void E2eFixture::TearDown() {
  for (const auto& [pid, grantee] : watchers_) {
    running_.push_back(pid);
  }
  for (pid_t pid : running_) {
    if (::kill(pid, SIGKILL) == 0) {
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
}

Vehicle E2eFixture::kona() {
  const fs::path dbc = profile("hyundai-kona-ev");
  return {"kona",
          test_data("hyundai-kona-ev/capture.log"),
          {{"can0", {dbc / "vehicle.dbc"}}, {"can1", {dbc / "vehicle.dbc", dbc / "ccan.dbc"}}},
          dbc / "mapping.json"};
}

Vehicle E2eFixture::rav4() {
  const fs::path dbc = profile("toyota-rav4");
  return {"rav4",
          test_data("toyota-rav4-comma2k19/capture.log"),
          {{"can0", {dbc / "vehicle.dbc"}}, {"can1", {dbc / "radar.dbc"}}},
          dbc / "mapping.json"};
}

Vehicle E2eFixture::ford() {
  const fs::path shared = fs::path(AUTOGRAPH_SHARED_DATA_DIR) / "ford-mustang-gt350";
  return {"ford",
          shared / "capture.log",
          {{"can0", {shared / "vehicle.dbc"}}},
          profile("ford-mustang-gt350") / "mapping.json"};
}

std::vector<Grantee> E2eFixture::two_grantees() {
  return {{"owner",
           {{"Vehicle.Speed", 1000},
            {"Vehicle.Chassis.Axle.*", 500},
            {"Vehicle.Powertrain.Transmission.SelectedGear", 1000}},
           2},
          {"insurer",
           {{"Vehicle.Speed", 5000},
            {"Vehicle.Powertrain.Range", 2000},
            {"Vehicle.TraveledDistance", 2000}},
           5}};
}

E2eDevice& E2eFixture::make_device(const Vehicle& vehicle) {
  std::map<std::string, std::vector<std::string>> dbc_texts;
  for (const auto& [bus, files] : vehicle.dbc) {
    for (const fs::path& file : files) {
      dbc_texts[bus].push_back(read_file(file));
    }
  }
  auto expected = ExpectedSamples::create(read_file(vehicle.mapping), dbc_texts);
  EXPECT_TRUE(expected) << expected.error().message();
  if (expected) {
    expected_ = std::move(*expected);
  }
  const fs::path dir = dir_.path() / vehicle.name;
  fs::create_directories(dir);
  device_ = std::make_unique<E2eDevice>(dir, vehicle, broker_.port(mqtt::testing::Listener::kTls),
                                        broker_.certs() / "ca.crt");
  const std::string error = device_->set_up();
  EXPECT_EQ(error, "");
  return *device_;
}

void E2eFixture::start_watcher(const E2eDevice& device, const std::string& grantee) {
  start_watcher(device, grantee, device.topic(grantee));
}

void E2eFixture::start_watcher(const E2eDevice& device, const std::string& grantee,
                               const std::string& topic) {
  const std::string client_id = "e2e-watch-" + grantee;
  const std::string suback = "Sending SUBACK to " + client_id;
  const size_t before = [&] {
    const std::string log = broker_.log();
    size_t count = 0;
    for (size_t at = log.find(suback); at != std::string::npos; at = log.find(suback, at + 1)) {
      ++count;
    }
    return count;
  }();
  watchers_.emplace_back(device.start_watch(topic, client_id, grantee), grantee);
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (true) {
    const std::string log = broker_.log();
    size_t count = 0;
    for (size_t at = log.find(suback); at != std::string::npos; at = log.find(suback, at + 1)) {
      ++count;
    }
    if (count > before) {
      return;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "watch for " << grantee
        << " never subscribed: " << read_file(device.dir() / (grantee + ".log"));
    std::this_thread::sleep_for(milliseconds(20));
  }
}

void E2eFixture::stop_watchers_when_quiet(const E2eDevice& device) {
  const auto total_size = [&] {
    uintmax_t size = 0;
    for (const auto& [pid, grantee] : watchers_) {
      std::error_code error;
      const uintmax_t one = fs::file_size(device.dir() / (grantee + ".jsonl"), error);
      size += error ? 0 : one;
    }
    return size;
  };
  const auto give_up = std::chrono::steady_clock::now() + seconds(30);
  uintmax_t last = total_size();
  auto last_change = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < give_up &&
         std::chrono::steady_clock::now() - last_change < seconds(3)) {
    std::this_thread::sleep_for(milliseconds(50));
    const uintmax_t now = total_size();
    if (now != last) {
      last = now;
      last_change = std::chrono::steady_clock::now();
    }
  }
  for (const auto& [pid, grantee] : watchers_) {
    ::kill(pid, SIGTERM);
    EXPECT_EQ(wait_for(pid, seconds(10)), 0)
        << "watch for " << grantee << ": " << read_file(device.dir() / (grantee + ".log"));
  }
  watchers_.clear();
}

int E2eFixture::wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  return mqtt::testing::wait_for_exit(pid, timeout);
}

void E2eFixture::expect_ethers_verifies(const E2eDevice& device,
                                        const std::vector<std::string>& grantees) {
  std::vector<std::string> argv = {
      AUTOGRAPH_NODE, std::string(AUTOGRAPH_SOURCE_DIR) + "/tests/e2e/verify_batches.mjs",
      device.address()};
  for (const std::string& grantee : grantees) {
    argv.push_back((device.dir() / (grantee + ".jsonl")).string());
  }
  ::setenv("NODE_PATH", AUTOGRAPH_NODE_MODULES, 1);
  const ProcessResult result = run_process(argv, seconds(60));
  EXPECT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("verified "), std::string::npos) << result.out;
}

}  // namespace autograph::e2e
