// OBD-II request encoding, where the project's safety rule lives: the daemon is read-only on the
// bus, and the only requests it can ever put into a frame are service 01 (current data), 03
// (stored DTCs) and 09 (vehicle information). Every request the daemon sends is built here, so
// no caller, configuration or policy can make it send another service (clearing DTCs, resetting
// an ECU, writing data): the encoder refuses, whatever it is asked.
//
// A request is the ISO-TP payload (service byte, then PIDs); the ISO-TP layer adds the PCI.
// Pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "autograph/result.hpp"

namespace autograph::can {

inline constexpr uint8_t kObdCurrentData = 0x01;  // service 01: PIDs
inline constexpr uint8_t kObdStoredDtcs = 0x03;   // service 03: no PID
inline constexpr uint8_t kObdVehicleInfo = 0x09;  // service 09: one PID (0x02 = VIN)

// ISO 15765-4 lets one service 01 request name at most six PIDs.
inline constexpr size_t kMaxObdPidsPerRequest = 6;
// The longest request: the service byte and six PIDs (fits one classic single frame).
inline constexpr size_t kMaxObdRequestSize = 1 + kMaxObdPidsPerRequest;

// True for the services autograph may send: 01, 03 and 09.
constexpr bool is_allowed_obd_service(uint8_t service) noexcept {
  return service == kObdCurrentData || service == kObdStoredDtcs || service == kObdVehicleInfo;
}

// Writes the request for `service` with `pids` into `out` and returns its length
// (1 + pids.size()). Errors, all kFailedPrecondition and naming the service and count:
// a service other than 01, 03 or 09; service 01 with no PID or more than six; service 03 with
// any PID; service 09 with other than exactly one PID. `out` is left unchanged on error.
[[nodiscard]] Result<size_t> encode_obd_request(uint8_t service, std::span<const uint8_t> pids,
                                                std::span<uint8_t, kMaxObdRequestSize> out);

}  // namespace autograph::can
