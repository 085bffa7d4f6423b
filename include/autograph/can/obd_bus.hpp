// The virtual "obd" bus: how OBD-II answers enter the same decoder, normaliser and policy gate as
// the vehicle's own CAN frames.
//
// The poller's answers (ObdPoller: one frame per whole ISO-TP message) are split into one frame
// per PID of the PID table: id kObdPidFrameId, data = PID then its A, B, C, D bytes, len =
// 1 + the PID's size, the answer's bus and time. obd_dbc_text() describes that frame as one DBC
// message multiplexed by its first byte, each PID a signal PID_xx with the J1979 formula as
// factor and offset, so the decoder compiled from it (beside the vehicle's DBCs) decodes OBD
// values with no OBD code on the hot path. obd_vss_mapping_entries() maps those signals to
// their VSS paths for the vehicle's mapping (VssMapping). Pure functions, any thread.
//
// Each PID is polled from one ECU (ObdScheduler), so one message carries each series without
// interleaving two ECUs.
//
// Text answers, the VIN (service 09 PID 02) and the stored DTCs (service 03), do not fit a
// number. The source turns them into JSON text (obd_vin_json, obd_dtc_list_json), interns it in
// the pipeline's table of texts and sends a frame of message kObdTextFrameId: byte 0 which text
// (ObdText), bytes 1-2 the text's index there, big-endian. obd_dbc_text() describes it as
// message OBD_TEXT, signals VIN and DTC_LIST, mapped to the VSS text signals
// Vehicle.VehicleIdentification.VIN and Vehicle.OBD.DTCList (autograph/vss_text_signals.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "autograph/can/can_frame.hpp"
#include "autograph/can/obd_response.hpp"

namespace autograph::can {

inline constexpr uint32_t kObdPidFrameId = 0x041;
inline constexpr std::string_view kObdMessageName = "OBD_01";
inline constexpr uint32_t kObdTextFrameId = 0x042;
inline constexpr std::string_view kObdTextMessageName = "OBD_TEXT";

// Which text an OBD_TEXT frame carries (its multiplexor byte).
enum class ObdText : uint8_t { kVin = 0x02, kDtcList = 0x03 };

// A DBC file (text) with message kObdPidFrameId: multiplexor "PID" in byte 0, and for every PID
// of obd_pids() a signal "PID_xx" (two hex digits) in the bytes after it, big-endian, unsigned,
// factor multiplier/divisor, offset, range and unit from the table; and message
// kObdTextFrameId (see above). Parses with parse_dbc().
std::string obd_dbc_text();

// The JSON text of one VssMapping "signals" entry per PID of obd_pids(), on bus `bus_name`,
// separated by commas (to be put into a mapping's "signals" array): identity scale, the table's
// VSS path and unit; then the two OBD_TEXT signals with their VSS text paths.
std::string obd_vss_mapping_entries(std::string_view bus_name);

// Splits `answer` (an ObdPoller frame) into one frame per PID record of a positive service 01
// answer whose PID the table has, written to `out` from index 0; returns how many. 0 for negative
// answers, other services and answers that do not parse (the poller counted those). Never
// allocates.
size_t split_obd_answer(const CanFrame& answer, std::span<CanFrame, 6> out) noexcept;

// The OBD_TEXT frame for text `which` at index `index` of its table, on `bus` at `t_ns`.
CanFrame make_obd_text_frame(ObdText which, uint16_t index, uint16_t bus, uint64_t t_ns) noexcept;

// The VIN of a positive service 09 PID 02 answer as a JSON string ("\"KMHK381GFMU123456\""):
// nullopt for any other answer or when its text is not a valid VIN (is_valid_vin), since some
// ECUs answer with other text (docs/obd.md). A valid VIN needs no escaping.
std::optional<std::string> obd_vin_json(const ObdResponse& response);

// `dtcs` as a JSON array of strings, in the given order: ["P0133","U0100"]; [] when empty.
std::string obd_dtc_list_json(std::span<const ObdDtc> dtcs);

}  // namespace autograph::can
