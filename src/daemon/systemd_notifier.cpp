#include "daemon/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>

#include "pipeline/pipeline_logger.hpp"

namespace autograph::daemon {
namespace {

std::atomic<bool> warned{false};

}  // namespace

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  // > 0 when the watchdog is on for this process; 0 when off; < 0 for a malformed setting.
  if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    ping_interval_ = std::chrono::milliseconds(std::max<uint64_t>(usec / 2000, 1));
  }
}

void SystemdNotifier::notify(const char* message) const {
  // 0: no NOTIFY_SOCKET (not under systemd); > 0: sent; < 0: -errno.
  const int rc = ::sd_notify(0, message);
  if (rc < 0 && !warned.exchange(true)) {
    pipeline::pipeline_logger()->warn("sd_notify({}): {}", message, std::strerror(-rc));
  }
}

void SystemdNotifier::ready() const { notify("READY=1"); }

void SystemdNotifier::watchdog() const { notify("WATCHDOG=1"); }

void SystemdNotifier::stopping() const { notify("STOPPING=1"); }

void SystemdNotifier::status(std::string_view text) const {
  const std::string message = "STATUS=" + std::string(text);
  notify(message.c_str());
}

}  // namespace autograph::daemon
