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
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "autograph/can/can_frame.hpp"

namespace autograph::can {

inline constexpr uint32_t kObdPidFrameId = 0x041;
inline constexpr std::string_view kObdMessageName = "OBD_01";

// A DBC file (text) with message kObdPidFrameId: multiplexor "PID" in byte 0, and for every PID
// of obd_pids() a signal "PID_xx" (two hex digits) in the bytes after it, big-endian, unsigned,
// factor multiplier/divisor, offset, range and unit from the table. Parses with parse_dbc().
std::string obd_dbc_text();

// The JSON text of one VssMapping "signals" entry per PID of obd_pids(), on bus `bus_name`,
// separated by commas (to be put into a mapping's "signals" array): identity scale, the table's
// VSS path and unit.
std::string obd_vss_mapping_entries(std::string_view bus_name);

// Splits `answer` (an ObdPoller frame) into one frame per PID record of a positive service 01
// answer whose PID the table has, written to `out` from index 0; returns how many. 0 for negative
// answers, other services and answers that do not parse (the poller counted those). Never
// allocates.
size_t split_obd_answer(const CanFrame& answer, std::span<CanFrame, 6> out) noexcept;

}  // namespace autograph::can
