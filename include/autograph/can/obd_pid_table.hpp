// ObdPidTable: the OBD-II service 01 PIDs autograph decodes, with their SAE J1979 formulas, units
// and VSS paths (docs/obd.md lists them with their sources).
//
// A PID's data bytes A, B, C, D form one big-endian unsigned number `raw` (A; 256A+B; ...), and
// the value is raw * multiplier / divisor + offset, evaluated in binary64 in exactly that order,
// so a value equals the published formula's result bit for bit (A*100/255 is not A/2.55).
//
// The table is constant data with static storage: pointers and spans into it stay valid for the
// life of the program, and every function here may be called from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace autograph::can {

struct ObdPid {
  uint8_t pid = 0;
  uint8_t size = 0;  // data bytes in a response: 1..4
  double multiplier = 1;
  double divisor = 1;
  double offset = 0;
  double min = 0;  // the smallest and largest value the formula can give, in `unit`
  double max = 0;
  std::string_view name;      // the J1979 description
  std::string_view unit;      // the VSS unit: "km/h", "rpm", "celsius", "percent", ...
  std::string_view vss_path;  // "Vehicle.Speed", ...

  // The value of `data`, which holds exactly `size` bytes (aborts otherwise: the response
  // parser has checked the length). Always within [min, max].
  double decode(std::span<const uint8_t> data) const;
};

// Every PID autograph decodes, in ascending PID order.
std::span<const ObdPid> obd_pids() noexcept;

// The entry for `pid`, or nullptr when autograph does not decode it.
const ObdPid* find_obd_pid(uint8_t pid) noexcept;

// How many data bytes follow `pid` in a service 01 response: the table's size, 4 for the
// supported-PID bitmaps (0x00, 0x20, ..., 0xE0) and the monitor status (0x01), 2 for the fuel
// system status (0x03); 0 when unknown (a multi-PID response cannot be split past such a PID).
uint8_t obd_pid_response_size(uint8_t pid) noexcept;

// True for the supported-PID bitmap PIDs 0x00, 0x20, 0x40, ..., 0xE0.
constexpr bool is_obd_bitmap_pid(uint8_t pid) noexcept { return (pid & 0x1Fu) == 0; }

}  // namespace autograph::can
