// ObdScheduler (see the header for the rules it keeps).
#include "autograph/can/obd_scheduler.hpp"

#include <algorithm>

#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_request.hpp"
#include "autograph/check.hpp"

namespace autograph::can {

ObdScheduler::ObdScheduler(ObdSchedulerConfig config) : config_(config) {
  AG_CHECK(config_.min_request_gap_ms >= 0 && config_.response_timeout_ms > 0 &&
               config_.failures_before_backoff > 0 && config_.backoff_initial_ms > 0 &&
               config_.backoff_max_ms >= config_.backoff_initial_ms,
           "invalid OBD scheduler configuration");
}

void ObdScheduler::set_policy(const ObdPollingRule& rule) {
  enabled_ = rule.enabled;
  interval_ms_ = std::max<int64_t>(rule.interval_ms, 1);
  for (PidState& state : pids_) {
    state.allowed = false;
  }
  counters_.undecodable = 0;
  for (const uint8_t pid : rule.pids) {
    pids_[pid].allowed = find_obd_pid(pid) != nullptr;
    counters_.undecodable += pids_[pid].allowed ? 0u : 1u;
  }
  if (phase_ == Phase::kPolling) {
    assign_pids();
  }
}

void ObdScheduler::assign_pids() {
  counters_.unsupported = 0;
  for (unsigned pid = 0; pid < pids_.size(); ++pid) {
    PidState& state = pids_[pid];
    state.ecu = state.allowed ? lowest_ecu_supporting(static_cast<uint8_t>(pid)) : int8_t{-1};
    counters_.unsupported += state.allowed && state.ecu < 0 ? 1 : 0;
  }
}

void ObdScheduler::assign_unpolled_pids(int64_t now_ms) {
  counters_.unsupported = 0;
  for (unsigned pid = 0; pid < pids_.size(); ++pid) {
    PidState& state = pids_[pid];
    if (!state.allowed || state.ecu >= 0) {
      continue;
    }
    const int8_t ecu = lowest_ecu_supporting(static_cast<uint8_t>(pid));
    if (ecu >= 0) {
      state = PidState{now_ms, 0, 0, ecu, true, false};
    }
    counters_.unsupported += ecu < 0 ? 1 : 0;
  }
}

int8_t ObdScheduler::lowest_ecu_supporting(uint8_t pid) const noexcept {
  for (int ecu = 0; ecu < kMaxEcus; ++ecu) {
    if (ecus_[static_cast<size_t>(ecu)].present &&
        ecus_[static_cast<size_t>(ecu)].supported.supports(pid)) {
      return static_cast<int8_t>(ecu);
    }
  }
  return -1;
}

void ObdScheduler::start_discovery(int64_t not_before_ms) {
  phase_ = Phase::kDiscovery;
  discovery_pid_ = 0x00;
  discovery_due_ms_ = not_before_ms;
  extending_ = false;
  for (Ecu& ecu : ecus_) {
    ecu.present = false;
    ecu.supported = ObdSupportedPids();
  }
}

std::optional<ObdPlannedRequest> ObdScheduler::next_request(int64_t now_ms) {
  if (outstanding_.active && now_ms >= outstanding_.deadline_ms) {
    close_window(now_ms);
  }
  if (outstanding_.active || !enabled_ || now_ms < last_request_ms_ + config_.min_request_gap_ms) {
    return std::nullopt;
  }
  return plan(now_ms);
}

std::optional<ObdPlannedRequest> ObdScheduler::plan(int64_t now_ms) {
  if (new_ecu_) {
    restart_discovery_for_new_ecu(now_ms);
  }
  ObdPlannedRequest request;
  if (phase_ == Phase::kDiscovery) {
    if (now_ms < discovery_due_ms_) {
      return std::nullopt;
    }
    request.service = kObdCurrentData;
    request.pids[0] = discovery_pid_;
    request.pid_count = 1;
    return issue(request, now_ms);
  }
  if (!vin_known_ && now_ms >= vin_due_ms_) {
    request.service = kObdVehicleInfo;
    request.pids[0] = kObdVinPid;
    request.pid_count = 1;
    return issue(request, now_ms);
  }
  if (now_ms >= dtc_due_ms_) {
    dtc_due_ms_ = now_ms + config_.dtc_interval_ms;
    request.service = kObdStoredDtcs;
    return issue(request, now_ms);
  }
  return plan_poll(now_ms);
}

void ObdScheduler::restart_discovery_for_new_ecu(int64_t now_ms) {
  new_ecu_ = false;
  // Found while polling (or probing from it): the ignition cycle goes on after this discovery.
  extending_ = extending_ || phase_ == Phase::kPolling || probing_;
  probing_ = false;
  phase_ = Phase::kDiscovery;
  discovery_pid_ = 0x00;
  discovery_due_ms_ = now_ms;
  discovery_backoff_ms_ = 0;
}

std::optional<ObdPlannedRequest> ObdScheduler::plan_poll(int64_t now_ms) {
  // The ECU whose PID has been due the longest; then up to six of its due PIDs.
  int ecu = -1;
  int64_t earliest = now_ms + 1;
  for (const PidState& state : pids_) {
    if (state.ecu >= 0 && state.due_ms < earliest) {
      earliest = state.due_ms;
      ecu = state.ecu;
    }
  }
  if (ecu < 0) {
    return std::nullopt;
  }
  ObdPlannedRequest request;
  request.ecu = ecu;
  request.service = kObdCurrentData;
  const size_t limit = ecus_[static_cast<size_t>(ecu)].single_pid ? 1 : kMaxObdPidsPerRequest;
  for (unsigned pid = 0; pid < pids_.size() && request.pid_count < limit; ++pid) {
    PidState& state = pids_[pid];
    if (state.ecu == ecu && state.due_ms <= now_ms) {
      request.pids[request.pid_count++] = static_cast<uint8_t>(pid);
      state.pending = true;
      state.due_ms = now_ms + interval_ms_;
    }
  }
  return issue(request, now_ms);
}

ObdPlannedRequest ObdScheduler::issue(ObdPlannedRequest request, int64_t now_ms) {
  outstanding_ = Outstanding{true, request, now_ms + config_.response_timeout_ms, 0};
  last_request_ms_ = now_ms;
  ++counters_.requests;
  return request;
}

std::optional<int64_t> ObdScheduler::next_deadline_ms() const noexcept {
  if (outstanding_.active) {
    return outstanding_.deadline_ms;
  }
  if (!enabled_) {
    return std::nullopt;
  }
  int64_t due = INT64_MAX;
  if (new_ecu_) {
    due = 0;  // discovery starts over as soon as the gap allows
  } else if (phase_ == Phase::kDiscovery) {
    due = discovery_due_ms_;
  } else {
    due = std::min(dtc_due_ms_, vin_known_ ? INT64_MAX : vin_due_ms_);
    for (const PidState& state : pids_) {
      if (state.ecu >= 0) {
        due = std::min(due, state.due_ms);
      }
    }
  }
  if (due == INT64_MAX) {
    return std::nullopt;
  }
  return std::max(due, last_request_ms_ + config_.min_request_gap_ms);
}

void ObdScheduler::on_response(int ecu, const ObdResponse& response, int64_t now_ms) {
  AG_CHECK(ecu >= 0 && ecu < kMaxEcus, "OBD ECU index out of range");
  const ObdPlannedRequest& request = outstanding_.request;
  if (!outstanding_.active || response.service != request.service ||
      (request.ecu >= 0 && request.ecu != ecu)) {
    return;
  }
  ++outstanding_.answers;
  ++counters_.responses;
  if (response.negative) {
    ++counters_.negative;
    const bool multi = request.service == kObdCurrentData && request.pid_count > 1;
    if (multi && response.nrc == kObdNrcSubFunctionNotSupported && request.ecu >= 0) {
      // Not the PIDs' fault: ask them again, one at a time, at once.
      ecus_[static_cast<size_t>(ecu)].single_pid = true;
      ++counters_.multi_pid_refusals;
      for (const uint8_t pid : request.pid_span()) {
        pids_[pid].pending = false;
        pids_[pid].due_ms = now_ms;
      }
    }
  } else if (response.service == kObdCurrentData) {
    on_current_data(ecu, response);
  } else if (response.service == kObdVehicleInfo) {
    const Result<std::string_view> vin = parse_obd_info_text(response.body, kObdVinPid);
    vin_known_ = vin_known_ || (vin.has_value() && is_valid_vin(*vin));
  }
  if (request.ecu >= 0) {
    close_window(now_ms);  // the one ECU asked has answered
  }
}

void ObdScheduler::on_current_data(int ecu, const ObdResponse& response) {
  std::array<ObdPidRecord, kMaxObdPidsPerRequest> records;
  const Result<size_t> n = split_obd_current_data(response.body, records);
  if (!n.has_value()) {
    return;  // the requested PIDs stay pending and fail when the window closes
  }
  for (size_t i = 0; i < *n; ++i) {
    const ObdPidRecord& record = records[i];
    if (phase_ == Phase::kDiscovery && is_obd_bitmap_pid(record.pid)) {
      ecus_[static_cast<size_t>(ecu)].present = true;
      static_cast<void>(
          ecus_[static_cast<size_t>(ecu)].supported.add_bitmap(record.pid, record.data));
    }
    PidState& state = pids_[record.pid];
    if (state.pending && state.ecu == ecu) {
      state.pending = false;
      state.failures = 0;
      state.backoff_ms = 0;
    }
  }
}

void ObdScheduler::close_window(int64_t now_ms) {
  outstanding_.active = false;
  const ObdPlannedRequest& request = outstanding_.request;
  const bool silent = outstanding_.answers == 0;
  counters_.silent_windows += silent ? 1 : 0;
  if (phase_ == Phase::kDiscovery) {
    close_discovery_window(now_ms);
    return;
  }
  if (request.service == kObdVehicleInfo && !vin_known_) {
    const int shift = std::min(vin_attempts_++, 10);
    vin_due_ms_ = now_ms + std::min(config_.backoff_initial_ms << shift, config_.backoff_max_ms);
  }
  if (request.service == kObdCurrentData) {
    for (const uint8_t pid : request.pid_span()) {
      if (pids_[pid].pending) {
        fail_pid(pid, now_ms);
      }
    }
  }
  silent_in_a_row_ = silent ? silent_in_a_row_ + 1 : 0;
  if (silent_in_a_row_ >= config_.failures_before_backoff) {
    // Is anything still answering? A functional 01 00 tells; if not, the vehicle sleeps.
    silent_in_a_row_ = 0;
    probing_ = true;
    phase_ = Phase::kDiscovery;
    discovery_pid_ = 0x00;
    discovery_due_ms_ = now_ms;
  }
}

void ObdScheduler::close_discovery_window(int64_t now_ms) {
  const bool answered = outstanding_.answers > 0;
  if (new_ecu_) {
    return;  // plan() starts discovery over at once, with the new ECU
  }
  if (extending_ && !answered && discovery_pid_ == 0x00) {
    start_discovery(now_ms);  // nothing answers any more: the vehicle sleeps
  }
  if (probing_) {
    probing_ = false;
    if (answered) {
      phase_ = Phase::kPolling;
      return;
    }
    start_discovery(now_ms);
    vin_known_ = false;
  }
  if (!answered) {
    if (discovery_pid_ == 0x00) {
      back_off_discovery(now_ms);
      return;
    }
  } else {
    discovery_backoff_ms_ = 0;
  }
  for (const Ecu& ecu : ecus_) {
    if (ecu.present && ecu.supported.next_bitmap(discovery_pid_).has_value()) {
      discovery_pid_ = static_cast<uint8_t>(discovery_pid_ + 0x20);
      discovery_due_ms_ = now_ms;
      return;
    }
  }
  phase_ = Phase::kPolling;
  silent_in_a_row_ = 0;
  if (extending_) {
    extending_ = false;
    assign_unpolled_pids(now_ms);
    return;
  }
  ++counters_.ignition_cycles;
  vin_known_ = false;
  vin_attempts_ = 0;
  vin_due_ms_ = now_ms;
  dtc_due_ms_ = now_ms;
  for (PidState& state : pids_) {
    state = PidState{now_ms, 0, 0, -1, state.allowed, false};
  }
  assign_pids();
}

void ObdScheduler::back_off_discovery(int64_t now_ms) {
  discovery_backoff_ms_ = discovery_backoff_ms_ == 0
                              ? config_.backoff_initial_ms
                              : std::min(discovery_backoff_ms_ * 2, config_.backoff_max_ms);
  discovery_due_ms_ = now_ms + discovery_backoff_ms_;
  ++counters_.backoffs;
}

void ObdScheduler::fail_pid(uint8_t pid, int64_t now_ms) {
  PidState& state = pids_[pid];
  state.pending = false;
  ++state.failures;
  ++counters_.failures;
  if (state.ecu >= 0) {
    ++ecus_[static_cast<size_t>(state.ecu)].failures;
  }
  if (state.failures < config_.failures_before_backoff) {
    return;
  }
  state.backoff_ms = state.backoff_ms == 0 ? config_.backoff_initial_ms
                                           : std::min(state.backoff_ms * 2, config_.backoff_max_ms);
  state.due_ms = now_ms + state.backoff_ms;
  ++counters_.backoffs;
  if (state.ecu >= 0) {
    ++ecus_[static_cast<size_t>(state.ecu)].backoffs;
  }
}

bool ObdScheduler::ecu_present(int ecu) const noexcept {
  return ecu >= 0 && ecu < kMaxEcus && ecus_[static_cast<size_t>(ecu)].present;
}

const ObdSupportedPids& ObdScheduler::supported(int ecu) const noexcept {
  AG_CHECK(ecu >= 0 && ecu < kMaxEcus, "OBD ECU index out of range");
  return ecus_[static_cast<size_t>(ecu)].supported;
}

uint64_t ObdScheduler::ecu_failures(int ecu) const noexcept {
  return ecu >= 0 && ecu < kMaxEcus ? ecus_[static_cast<size_t>(ecu)].failures : 0;
}

uint64_t ObdScheduler::ecu_backoffs(int ecu) const noexcept {
  return ecu >= 0 && ecu < kMaxEcus ? ecus_[static_cast<size_t>(ecu)].backoffs : 0;
}

bool ObdScheduler::backed_off(uint8_t pid) const noexcept { return pids_[pid].backoff_ms > 0; }

int ObdScheduler::assigned_ecu(uint8_t pid) const noexcept { return pids_[pid].ecu; }

bool ObdScheduler::single_pid_mode(int ecu) const noexcept {
  return ecu >= 0 && ecu < kMaxEcus && ecus_[static_cast<size_t>(ecu)].single_pid;
}

}  // namespace autograph::can
