#include "autograph/can/socketcan_control.hpp"

#include <errno.h>
#include <libsocketcan.h>

#include <string>
#include <system_error>

namespace autograph::can {
namespace {

// libsocketcan returns -1 and leaves errno from the failed netlink call, when there was one.
std::string reason(int error) {
  return error != 0 ? std::system_category().message(error) : std::string("refused by the kernel");
}

}  // namespace

Result<void> SocketCanControl::set_bitrate(const std::string& interface, uint32_t bitrate) {
  errno = 0;
  if (can_set_bitrate(interface.c_str(), bitrate) != 0) {
    const int error = errno;
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot set bitrate {} bit/s: {}", interface,
                bitrate, reason(error));
  }
  return {};
}

Result<void> SocketCanControl::start(const std::string& interface) {
  errno = 0;
  if (can_do_start(interface.c_str()) != 0) {
    const int error = errno;
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot bring the interface up: {}", interface,
                reason(error));
  }
  return {};
}

Result<void> SocketCanControl::restart(const std::string& interface) {
  errno = 0;
  if (can_do_restart(interface.c_str()) != 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "{}: cannot restart the CAN controller: {}", interface,
                reason(error));
  }
  return {};
}

}  // namespace autograph::can
