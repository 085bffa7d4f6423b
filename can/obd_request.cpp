// OBD-II request encoding: the one place that decides what the daemon may send.
#include "autograph/can/obd_request.hpp"

#include <algorithm>

namespace autograph::can {

Result<size_t> encode_obd_request(uint8_t service, std::span<const uint8_t> pids,
                                  std::span<uint8_t, kMaxObdRequestSize> out) {
  if (!is_allowed_obd_service(service)) {
    return fail(ErrorCode::kFailedPrecondition,
                "OBD service 0x{:02X} refused: autograph sends only services 01, 03 and 09",
                service);
  }
  const size_t count = pids.size();
  if (service == kObdCurrentData && (count == 0 || count > kMaxObdPidsPerRequest)) {
    return fail(ErrorCode::kFailedPrecondition,
                "OBD service 01 request with {} PIDs; it takes 1 to {}", count,
                kMaxObdPidsPerRequest);
  }
  if (service == kObdStoredDtcs && count != 0) {
    return fail(ErrorCode::kFailedPrecondition,
                "OBD service 03 request with {} PIDs; it takes none", count);
  }
  if (service == kObdVehicleInfo && count != 1) {
    return fail(ErrorCode::kFailedPrecondition,
                "OBD service 09 request with {} PIDs; it takes exactly one", count);
  }
  out[0] = service;
  std::copy(pids.begin(), pids.end(), out.begin() + 1);
  return 1 + count;
}

}  // namespace autograph::can
