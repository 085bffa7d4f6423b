// ObdStoredDtcs: the stored DTCs that each ECU reported last (service 03), and their union, which
// is the vehicle's Vehicle.OBD.DTCList.
//
// A functional service 03 request is answered by every ECU with its own list, one answer each;
// publishing each answer on its own would make the vehicle's list flip between ECUs. So each
// answer replaces that ECU's list, and the value is the union of the lists of every ECU heard,
// sorted and without repeats. An ECU that stops answering keeps its last list (stored codes stay
// stored until cleared).
//
// No allocation except merged_json(). Not thread-safe: the OBD source's thread owns it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "autograph/can/obd_response.hpp"

namespace autograph::can {

class ObdStoredDtcs {
 public:
  static constexpr size_t kMaxEcus = 8;
  // The most codes one answer can hold: an answer is at most 64 bytes (a CanFrame of
  // ObdPoller), 2 of them service and count.
  static constexpr size_t kMaxPerEcu = 31;

  // Takes `response` as the list of the ECU answering from CAN id `responder`. Returns false
  // and changes nothing when it is not a positive service 03 answer that parses
  // (parse_obd_stored_dtcs), holds more than kMaxPerEcu codes, or comes from a ninth ECU.
  bool update(uint32_t responder, const ObdResponse& response) noexcept;

  // The union of the lists as a JSON array of strings, sorted: ["P0133","U0100"]; [] when no
  // ECU reported a code.
  std::string merged_json() const;

 private:
  struct Ecu {
    uint32_t responder = 0;
    size_t count = 0;
    std::array<ObdDtc, kMaxPerEcu> dtcs{};
  };
  std::array<Ecu, kMaxEcus> ecus_{};
  size_t ecu_count_ = 0;
};

}  // namespace autograph::can
