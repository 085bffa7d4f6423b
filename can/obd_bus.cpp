// The virtual "obd" bus (see the header).
#include "autograph/can/obd_bus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_response.hpp"
#include "autograph/vss_text_signals.hpp"

namespace autograph::can {

std::string obd_dbc_text() {
  std::string text = fmt::format(
      "VERSION \"autograph OBD-II service 01 (SAE J1979)\"\n\nNS_ :\n\nBS_:\n\nBU_:\n\n"
      "BO_ {} {}: 5 Vector__XXX\n SG_ PID M : 7|8@0+ (1,0) [0|255] \"\" Vector__XXX\n",
      kObdPidFrameId, kObdMessageName);
  for (const ObdPid& pid : obd_pids()) {
    // Motorola (big-endian) bits: start at the most significant bit of byte 1 (bit 15).
    fmt::format_to(std::back_inserter(text),
                   " SG_ PID_{:02X} m{} : 15|{}@0+ ({:.17g},{:.17g}) [{:.17g}|{:.17g}] \"{}\" "
                   "Vector__XXX\n",
                   pid.pid, pid.pid, pid.size * 8, pid.multiplier / pid.divisor, pid.offset,
                   pid.min, pid.max, pid.unit);
  }
  fmt::format_to(std::back_inserter(text),
                 "\nBO_ {} {}: 3 Vector__XXX\n"
                 " SG_ TEXT M : 7|8@0+ (1,0) [0|255] \"\" Vector__XXX\n"
                 " SG_ VIN m{} : 15|16@0+ (1,0) [0|65535] \"\" Vector__XXX\n"
                 " SG_ DTC_LIST m{} : 15|16@0+ (1,0) [0|65535] \"\" Vector__XXX\n",
                 kObdTextFrameId, kObdTextMessageName, static_cast<int>(ObdText::kVin),
                 static_cast<int>(ObdText::kDtcList));
  return text;
}

std::string obd_vss_mapping_entries(std::string_view bus_name) {
  std::string text;
  for (const ObdPid& pid : obd_pids()) {
    fmt::format_to(std::back_inserter(text),
                   "{}{{\"bus\": \"{}\", \"message\": \"{}\", \"signal\": \"PID_{:02X}\", "
                   "\"vss\": \"{}\", \"unit\": \"{}\", \"scale\": 1}}",
                   text.empty() ? "" : ",\n", bus_name, kObdMessageName, pid.pid, pid.vss_path,
                   pid.unit);
  }
  for (const auto& [signal, path] :
       {std::pair{"VIN", kVssVinPath}, std::pair{"DTC_LIST", kVssDtcListPath}}) {
    fmt::format_to(std::back_inserter(text),
                   ",\n{{\"bus\": \"{}\", \"message\": \"{}\", \"signal\": \"{}\", "
                   "\"vss\": \"{}\", \"scale\": 1}}",
                   bus_name, kObdTextMessageName, signal, path);
  }
  return text;
}

size_t split_obd_answer(const CanFrame& answer, std::span<CanFrame, 6> out) noexcept {
  const Result<ObdResponse> response =
      parse_obd_response(std::span<const uint8_t>(answer.data, answer.len));
  if (!response || response->negative || response->service != 0x01) {
    return 0;
  }
  std::array<ObdPidRecord, 6> records;
  const Result<size_t> n = split_obd_current_data(response->body, records);
  if (!n) {
    return 0;
  }
  size_t count = 0;
  for (size_t i = 0; i < *n; ++i) {
    if (find_obd_pid(records[i].pid) == nullptr) {
      continue;  // bitmaps and status PIDs: discovery's business, not signals
    }
    CanFrame& frame = out[count++];
    frame = CanFrame{};
    frame.id = kObdPidFrameId;
    frame.bus = answer.bus;
    frame.t_ns = answer.t_ns;
    frame.data[0] = records[i].pid;
    std::copy(records[i].data.begin(), records[i].data.end(), frame.data + 1);
    frame.len = static_cast<uint8_t>(1 + records[i].data.size());
  }
  return count;
}

CanFrame make_obd_text_frame(ObdText which, uint16_t index, uint16_t bus, uint64_t t_ns) noexcept {
  CanFrame frame{};
  frame.id = kObdTextFrameId;
  frame.bus = bus;
  frame.t_ns = t_ns;
  frame.len = 3;
  frame.data[0] = static_cast<uint8_t>(which);
  frame.data[1] = static_cast<uint8_t>(index >> 8);
  frame.data[2] = static_cast<uint8_t>(index & 0xFF);
  return frame;
}

std::optional<std::string> obd_vin_json(const ObdResponse& response) {
  if (response.negative || response.service != 0x09) {
    return std::nullopt;
  }
  const Result<std::string_view> vin = parse_obd_info_text(response.body, kObdVinPid);
  if (!vin || !is_valid_vin(*vin)) {
    return std::nullopt;
  }
  return fmt::format("\"{}\"", *vin);
}

std::string obd_dtc_list_json(std::span<const ObdDtc> dtcs) {
  std::string text = "[";
  for (const ObdDtc& dtc : dtcs) {
    fmt::format_to(std::back_inserter(text), "{}\"{}\"", text.size() > 1 ? "," : "",
                   std::string_view(dtc.data(), dtc.size()));
  }
  text += ']';
  return text;
}

}  // namespace autograph::can
