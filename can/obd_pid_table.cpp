// The service 01 PID table. Formulas, sizes and ranges: SAE J1979 as summarised in Wikipedia's
// "OBD-II PIDs" article (service 01 table); VSS paths: COVESA VSS 6.0 where VSS has the signal,
// otherwise the path the VSS 4 OBD branch gave it (docs/obd.md says which is which).
#include "autograph/can/obd_pid_table.hpp"

#include <algorithm>
#include <array>

#include "autograph/check.hpp"

namespace autograph::can {
namespace {

// Sorted by PID: find_obd_pid() searches it by bisection.
constexpr std::array<ObdPid, 20> kPids = {{
    {0x04, 1, 100, 255, 0, 0, 100, "Calculated engine load", "percent", "Vehicle.OBD.EngineLoad"},
    {0x05, 1, 1, 1, -40, -40, 215, "Engine coolant temperature", "celsius",
     "Vehicle.Powertrain.CombustionEngine.EngineCoolant.Temperature"},
    {0x0A, 1, 3, 1, 0, 0, 765, "Fuel pressure (gauge)", "kPa", "Vehicle.OBD.FuelPressure"},
    {0x0B, 1, 1, 1, 0, 0, 255, "Intake manifold absolute pressure", "kPa",
     "Vehicle.Powertrain.CombustionEngine.MAP"},
    {0x0C, 2, 1, 4, 0, 0, 16383.75, "Engine speed", "rpm",
     "Vehicle.Powertrain.CombustionEngine.Speed"},
    {0x0D, 1, 1, 1, 0, 0, 255, "Vehicle speed", "km/h", "Vehicle.Speed"},
    {0x0F, 1, 1, 1, -40, -40, 215, "Intake air temperature", "celsius", "Vehicle.OBD.IntakeTemp"},
    {0x10, 2, 1, 100, 0, 0, 655.35, "Mass air flow rate", "g/s",
     "Vehicle.Powertrain.CombustionEngine.MAF"},
    {0x11, 1, 100, 255, 0, 0, 100, "Throttle position", "percent",
     "Vehicle.Powertrain.CombustionEngine.TPS"},
    {0x1F, 2, 1, 1, 0, 0, 65535, "Run time since engine start", "s", "Vehicle.OBD.RunTime"},
    {0x21, 2, 1, 1, 0, 0, 65535, "Distance travelled with MIL on", "km",
     "Vehicle.OBD.DistanceWithMIL"},
    {0x2F, 1, 100, 255, 0, 0, 100, "Fuel tank level input", "percent",
     "Vehicle.Powertrain.FuelSystem.RelativeLevel"},
    {0x31, 2, 1, 1, 0, 0, 65535, "Distance travelled since codes cleared", "km",
     "Vehicle.OBD.DistanceSinceDTCClear"},
    {0x33, 1, 1, 1, 0, 0, 255, "Absolute barometric pressure", "kPa",
     "Vehicle.OBD.BarometricPressure"},
    {0x42, 2, 1, 1000, 0, 0, 65.535, "Control module voltage", "V",
     "Vehicle.OBD.ControlModuleVoltage"},
    {0x46, 1, 1, 1, -40, -40, 215, "Ambient air temperature", "celsius",
     "Vehicle.Exterior.AirTemperature"},
    {0x5B, 1, 100, 255, 0, 0, 100, "Hybrid battery pack remaining life", "percent",
     "Vehicle.Powertrain.TractionBattery.StateOfCharge.Current"},
    {0x5C, 1, 1, 1, -40, -40, 215, "Engine oil temperature", "celsius",
     "Vehicle.Powertrain.CombustionEngine.EngineOil.Temperature"},
    {0x5E, 2, 1, 20, 0, 0, 3276.75, "Engine fuel rate", "l/h", "Vehicle.OBD.FuelRate"},
    // J1979 gives the odometer in hectometres (raw / 10 km).
    {0xA6, 4, 1, 10, 0, 0, 429496729.5, "Odometer", "km", "Vehicle.TraveledDistance"},
}};

static_assert(std::is_sorted(kPids.begin(), kPids.end(),
                             [](const ObdPid& a, const ObdPid& b) { return a.pid < b.pid; }));

}  // namespace

double ObdPid::decode(std::span<const uint8_t> data) const {
  AG_CHECK(data.size() == size, "OBD PID data of the wrong length");
  uint32_t raw = 0;
  for (const uint8_t byte : data) {
    raw = (raw << 8) | byte;
  }
  return static_cast<double>(raw) * multiplier / divisor + offset;
}

std::span<const ObdPid> obd_pids() noexcept { return kPids; }

const ObdPid* find_obd_pid(uint8_t pid) noexcept {
  const std::span<const ObdPid> pids = obd_pids();
  const auto it =
      std::lower_bound(pids.begin(), pids.end(), pid,
                       [](const ObdPid& entry, uint8_t key) { return entry.pid < key; });
  return it != pids.end() && it->pid == pid ? &*it : nullptr;
}

uint8_t obd_pid_response_size(uint8_t pid) noexcept {
  if (is_obd_bitmap_pid(pid) || pid == 0x01) {
    return 4;
  }
  if (pid == 0x03) {
    return 2;
  }
  const ObdPid* entry = find_obd_pid(pid);
  return entry != nullptr ? entry->size : 0;
}

}  // namespace autograph::can
