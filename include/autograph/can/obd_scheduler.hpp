// ObdScheduler: what the OBD-II poller asks, of whom, and when; no I/O, times passed in.
//
// Phases: discovery (functional 01 00, then each further bitmap PID some ECU announces) finds the
// ECUs that answer (ECU n: 0x7E8 + n, or the poller's 29-bit slot n) and the PIDs each supports.
// Each PID the policy allows is then polled from the lowest-numbered ECU that supports it, with
// physical requests (0x7E0 + n) of up to six PIDs, or one at a time for an ECU that refused a
// multi-PID request with 7F 01 12. Once per ignition cycle the VIN is asked (functional 09 02);
// stored DTCs (functional 03) every dtc_interval.
//
// Rules: nothing is asked while the policy does not enable polling; one request is outstanding
// at a time and two requests are never closer than min_request_gap; each PID at most once per
// the policy's interval. A PID that fails (no answer, a negative answer, missing from the
// answer) failures_before_backoff times in a row is backed off: asked again only after a delay;
// each retry that fails doubles the delay, up to backoff_max; one success ends the back-off. When
// nothing answers at all for that many windows in a row the vehicle is taken to be asleep:
// discovery starts over (backed off the same way), and the next successful discovery begins a new
// ignition cycle (the VIN is asked again). When the poller starts listening to an ECU it had not
// listened to (on_new_ecu(): a 29-bit address learned), discovery runs again at once; once it is
// over, PIDs that no ECU polled yet are assigned, without a new ignition cycle and without taking
// a PID from the ECU that polls it.
//
// Allocation: only in the constructor and set_policy(); requests, responses and timing never
// allocate. Not thread-safe: the reactor thread owns it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "autograph/can/obd_response.hpp"
#include "autograph/can/obd_supported_pids.hpp"

namespace autograph::can {

struct ObdSchedulerConfig {
  int64_t min_request_gap_ms = 50;     // device limit between any two requests
  int64_t response_timeout_ms = 150;   // how long answers are awaited after a request
  int64_t dtc_interval_ms = 60'000;    // stored DTCs this often
  int failures_before_backoff = 3;     // consecutive failures before a PID is backed off
  int64_t backoff_initial_ms = 5'000;  // first back-off delay; doubles up to backoff_max_ms
  int64_t backoff_max_ms = 300'000;
};

// What the policy's `obd` section allows (policy::ObdPolling, validated by the policy parser).
struct ObdPollingRule {
  bool enabled = false;
  std::vector<uint8_t> pids;  // service 01 PIDs; those not in the PID table are ignored
  int64_t interval_ms = 1000;
};

// A request to send now. ecu < 0: functional (0x7DF); otherwise physical to ECU `ecu`.
struct ObdPlannedRequest {
  int ecu = -1;
  uint8_t service = 0;
  std::array<uint8_t, 6> pids{};
  uint8_t pid_count = 0;
  std::span<const uint8_t> pid_span() const noexcept { return {pids.data(), pid_count}; }
};

struct ObdSchedulerCounters {
  uint64_t requests = 0;            // requests planned (and sent)
  uint64_t responses = 0;           // answers matched to the outstanding request
  uint64_t negative = 0;            // negative answers among them
  uint64_t multi_pid_refusals = 0;  // 7F 01 12: an ECU switched to one PID per request
  uint64_t failures = 0;            // PID failures (no answer, negative, missing)
  uint64_t backoffs = 0;            // times a PID (or discovery) was backed off
  uint64_t silent_windows = 0;      // windows in which nothing answered
  uint64_t ignition_cycles = 0;     // successful discoveries
  uint64_t unsupported = 0;         // allowed PIDs that no ECU supports (at the last assignment)
  uint64_t undecodable = 0;         // PIDs of the policy the PID table lacks (never asked)
};

class ObdScheduler {
 public:
  static constexpr int kMaxEcus = 8;  // 0x7E8..0x7EF

  explicit ObdScheduler(ObdSchedulerConfig config = {});

  // Replaces the policy's rule. Polling stops at once when it is disabled; PIDs are re-assigned
  // to ECUs without a new discovery. Allocates.
  void set_policy(const ObdPollingRule& rule);

  // The request to send at `now_ms` (a monotonic clock), or nullopt when none is due or allowed.
  // Closes the outstanding request's answer window first when it has expired. The caller sends
  // the request (encode_obd_request) and must report what it heard through on_response().
  std::optional<ObdPlannedRequest> next_request(int64_t now_ms);

  // The earliest time next_request() may return something or a window closes; nullopt when
  // polling is disabled and nothing is outstanding.
  std::optional<int64_t> next_deadline_ms() const noexcept;

  // An answer from ECU `ecu` (0..7) at `now_ms`. Answers that do not match the outstanding
  // request (late, or to another service) are ignored for the accounting.
  void on_response(int ecu, const ObdResponse& response, int64_t now_ms);

  // The poller listens to an ECU it did not hear before (its answers were lost so far): discovery
  // runs again from 01 00 as soon as the outstanding request's window closes (no back-off), and
  // the ECU's PIDs are polled after it. ECUs present stay present; polling resumes afterwards.
  void on_new_ecu() noexcept { new_ecu_ = true; }

  // ECUs that answered discovery and the PIDs each supports (ecu 0..7).
  bool ecu_present(int ecu) const noexcept;
  const ObdSupportedPids& supported(int ecu) const noexcept;
  // PID failures and back-offs counted against ECU `ecu` (0..7), for the status report.
  uint64_t ecu_failures(int ecu) const noexcept;
  uint64_t ecu_backoffs(int ecu) const noexcept;
  // True while `pid` is backed off (its failures reached the limit and it is not yet due).
  bool backed_off(uint8_t pid) const noexcept;
  // True once a valid VIN arrived in this ignition cycle.
  bool vin_known() const noexcept { return vin_known_; }
  // The ECU that polls `pid`, or -1.
  int assigned_ecu(uint8_t pid) const noexcept;
  bool single_pid_mode(int ecu) const noexcept;
  bool discovering() const noexcept { return phase_ == Phase::kDiscovery; }
  const ObdSchedulerCounters& counters() const noexcept { return counters_; }

 private:
  enum class Phase : uint8_t { kDiscovery, kPolling };
  struct PidState {
    int64_t due_ms = 0;
    int64_t backoff_ms = 0;  // current delay; 0 when not backed off
    int failures = 0;
    int8_t ecu = -1;  // the ECU that polls it; -1 when not polled
    bool allowed = false;
    bool pending = false;  // in the outstanding request
  };
  struct Ecu {
    bool present = false;
    bool single_pid = false;
    ObdSupportedPids supported;
    uint64_t failures = 0;
    uint64_t backoffs = 0;
  };
  struct Outstanding {
    bool active = false;
    ObdPlannedRequest request;
    int64_t deadline_ms = 0;
    int answers = 0;
  };

  std::optional<ObdPlannedRequest> plan(int64_t now_ms);
  std::optional<ObdPlannedRequest> plan_poll(int64_t now_ms);
  void close_window(int64_t now_ms);
  void close_discovery_window(int64_t now_ms);
  void fail_pid(uint8_t pid, int64_t now_ms);
  void assign_pids();
  // Assigns the allowed PIDs that no ECU polls yet, due at once; assigned ones stay.
  void assign_unpolled_pids(int64_t now_ms);
  // The lowest-numbered present ECU that supports `pid`, or -1.
  int8_t lowest_ecu_supporting(uint8_t pid) const noexcept;
  void start_discovery(int64_t not_before_ms);
  void restart_discovery_for_new_ecu(int64_t now_ms);
  ObdPlannedRequest issue(ObdPlannedRequest request, int64_t now_ms);
  void on_current_data(int ecu, const ObdResponse& response);
  void after_poll_window(int64_t now_ms);
  void back_off_discovery(int64_t now_ms);

  ObdSchedulerConfig config_;
  int64_t interval_ms_ = 1000;
  bool enabled_ = false;
  Phase phase_ = Phase::kDiscovery;
  uint8_t discovery_pid_ = 0x00;  // bitmap PID discovery asks next
  int64_t discovery_due_ms_ = 0;
  int64_t discovery_backoff_ms_ = 0;
  bool probing_ = false;    // discovery is only a probe: does anything still answer?
  bool new_ecu_ = false;    // on_new_ecu() since discovery last (re)started
  bool extending_ = false;  // discovery for a new ECU while polling: no new ignition cycle
  int silent_in_a_row_ = 0;
  bool vin_known_ = false;
  int vin_attempts_ = 0;
  int64_t vin_due_ms_ = 0;
  int64_t dtc_due_ms_ = 0;
  int64_t last_request_ms_ = INT64_MIN / 2;
  std::array<Ecu, kMaxEcus> ecus_{};
  std::array<PidState, 256> pids_{};
  Outstanding outstanding_;
  ObdSchedulerCounters counters_;
};

}  // namespace autograph::can
