// E2eFixture: what every end-to-end test needs: a real mosquitto with TLS on 127.0.0.1, the
// vehicles with their captures, a device per test, `autograph watch` subscribers that are known
// to be subscribed before anything is published, and ethers as the outside verifier.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "e2e/e2e_device.hpp"
#include "e2e/expected_samples.hpp"
#include "mqtt/mosquitto_broker.hpp"

namespace autograph::e2e {

class E2eFixture : public testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;  // kills what a failed test left running

  static Vehicle kona();
  static Vehicle rav4();
  static Vehicle ford();  // from ../shared/data; check that it exists first

  // "owner": Vehicle.Speed at 1 s, wheel speeds at 0.5 s, selected gear at 1 s, batches of 2 s;
  // "insurer": Vehicle.Speed at 5 s, range and odometer at 2 s, batches of 5 s. Rules that
  // match nothing on a vehicle are allowed (one policy serves several vehicles).
  static std::vector<Grantee> two_grantees();

  // Sets up a device for `vehicle` (keys, pairing, configuration) and the expectation
  // computer for its profile; fails the test on any error.
  E2eDevice& make_device(const Vehicle& vehicle);

  // Starts `autograph watch --jsonl` on the grantee's topic (output <grantee>.jsonl) and waits
  // until the broker has sent its SUBACK.
  void start_watcher(const E2eDevice& device, const std::string& grantee);
  // The same on `topic`, output <name>.jsonl.
  void start_watcher(const E2eDevice& device, const std::string& name, const std::string& topic);
  // Waits until no watcher's output has grown for 3 s (at most 30 s), then stops them
  // with SIGTERM and expects exit status 0 (nothing failed verification).
  void stop_watchers_when_quiet(const E2eDevice& device);

  // Waits for `pid`; returns its exit status (-1 after killing it on timeout).
  int wait_for(pid_t pid, std::chrono::milliseconds timeout);

  // Runs tests/e2e/verify_batches.mjs (ethers) over the grantees' outputs.
  void expect_ethers_verifies(const E2eDevice& device, const std::vector<std::string>& grantees);

  mqtt::testing::TempDir dir_;
  mqtt::testing::MosquittoBroker broker_;
  std::unique_ptr<E2eDevice> device_;
  ExpectedSamples expected_;
  std::vector<std::pair<pid_t, std::string>> watchers_;  // pid, grantee
  std::vector<pid_t> running_;                           // anything else started
};

}  // namespace autograph::e2e
