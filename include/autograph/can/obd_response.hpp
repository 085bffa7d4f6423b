// OBD-II response parsing: a reassembled ISO-TP payload from an ECU -> what it answered.
//
// Every byte here comes from the vehicle, so every read is bounds-checked and a bad response is
// a kMalformed error naming what was wrong, never a crash. Nothing allocates: results are views
// into the caller's payload, valid while it is. Pure functions, any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "autograph/result.hpp"

namespace autograph::can {

inline constexpr uint8_t kObdNegativeResponse = 0x7F;
// The negative response code with which older ECUs refuse a request naming several PIDs
// (ISO 14229 "sub-function not supported"); the poller then asks one PID at a time.
inline constexpr uint8_t kObdNrcSubFunctionNotSupported = 0x12;
// Service 09 (vehicle information) PID of the VIN.
inline constexpr uint8_t kObdVinPid = 0x02;

struct ObdResponse {
  uint8_t service = 0;    // the service answered: 0x01, 0x03 or 0x09
  bool negative = false;  // a negative response: 7F <service> <nrc>
  uint8_t nrc = 0;        // negative only: the negative response code
  // Positive only: the bytes after the response service byte (0x41, 0x43, 0x49).
  std::span<const uint8_t> body;
};

// Parses `payload` (one whole ISO-TP message). Errors (kMalformed): an empty payload; a negative
// response of fewer than 3 bytes; a positive response with no byte after the service byte; a
// response (positive or negative) to any service but 01, 03 and 09, which autograph never sends.
[[nodiscard]] Result<ObdResponse> parse_obd_response(std::span<const uint8_t> payload);

// One PID of a service 01 response.
struct ObdPidRecord {
  uint8_t pid = 0;
  std::span<const uint8_t> data;  // obd_pid_response_size(pid) bytes
};

// Splits a service 01 body (PID, its data, PID, its data, ...) into `out` and returns how many
// records it holds. Errors (kMalformed, naming the PID and byte offset): an empty body; a PID
// whose size is unknown (obd_pid_response_size() == 0); data cut short; more records than `out`
// has room for.
[[nodiscard]] Result<size_t> split_obd_current_data(std::span<const uint8_t> body,
                                                    std::span<ObdPidRecord> out);

// The text of a service 09 response body for `pid` (0x02 VIN, 0x04 calibration ID, 0x0A ECU
// name): the body is <pid> <number of data items> <text>, the text padded with NUL bytes, which
// are cut off. The result views `body`. Errors (kMalformed): a body for another PID, shorter
// than 2 bytes, or text holding a byte that is not printable ASCII before its padding.
[[nodiscard]] Result<std::string_view> parse_obd_info_text(std::span<const uint8_t> body,
                                                           uint8_t pid);

// True when `text` can be a vehicle identification number (ISO 3779): 17 characters, digits and
// capital letters except I, O and Q.
bool is_valid_vin(std::string_view text) noexcept;

// A diagnostic trouble code as shown to people: "P0133", "U0100".
using ObdDtc = std::array<char, 5>;

// The DTC of the two bytes A B: the top two bits of A choose P, C, B or U, then four hex digits
// from the remaining 14 bits (J1979; e.g. 01 33 -> "P0133", C1 00 -> "U0100").
ObdDtc decode_obd_dtc(uint8_t a, uint8_t b) noexcept;

// The stored DTCs of a service 03 body (CAN: <count> then two bytes per DTC) into `out`;
// returns the count. Errors: kMalformed when the body is empty or its length is not
// 1 + 2 * count; kDataLoss when `out` has room for fewer than count codes (none written).
[[nodiscard]] Result<size_t> parse_obd_stored_dtcs(std::span<const uint8_t> body,
                                                   std::span<ObdDtc> out);

}  // namespace autograph::can
