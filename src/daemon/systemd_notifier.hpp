// SystemdNotifier: tells systemd (Type=notify) how the daemon is doing, through libsystemd's
// sd_notify: READY=1 once the sources are open and the policy applied, WATCHDOG=1 from the
// reactor loop, STOPPING=1 when a stop signal arrives.
//
// Without NOTIFY_SOCKET in the environment (not started by systemd) every call does nothing.
// Failures to notify are not errors of the daemon: systemd notices a missing READY or
// WATCHDOG itself, so they are logged once and otherwise ignored.
//
// Thread: any; the calls are independent datagrams.
#pragma once

#include <chrono>
#include <string_view>

namespace autograph::daemon {

class SystemdNotifier {
 public:
  // Reads the watchdog setting (WATCHDOG_USEC / WATCHDOG_PID) from the environment once.
  SystemdNotifier();

  void ready() const;
  void watchdog() const;
  void stopping() const;
  // A one-line STATUS= text shown by `systemctl status`.
  void status(std::string_view text) const;

  // Half the watchdog interval systemd asks for (WatchdogSec=), the interval to send
  // WATCHDOG=1 at; 0 when the watchdog is off.
  std::chrono::milliseconds watchdog_ping_interval() const noexcept { return ping_interval_; }

 private:
  void notify(const char* message) const;

  std::chrono::milliseconds ping_interval_{0};
};

}  // namespace autograph::daemon
