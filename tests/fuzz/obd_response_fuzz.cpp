// Fuzz target: OBD-II responses as an ECU (or anything on the diagnostic bus) could send them.
//
// The input is cut into CAN frames (first byte of each chunk: its length, 0..8) and fed through
// IsoTpReassembler; every completed message, and the whole input as one payload, goes through
// every response parser. Beyond "no crash": views stay inside the payload, the records of a
// multi-PID answer tile the body exactly, decoded values stay within the table's range, text is
// printable and DTCs are well formed; the texts that reach batches (obd_vin_json, the merged
// DTC list of ObdStoredDtcs) are JSON of the promised shape.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "autograph/can/isotp_reassembler.hpp"
#include "autograph/can/obd_bus.hpp"
#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_response.hpp"
#include "autograph/can/obd_stored_dtcs.hpp"
#include "autograph/can/obd_supported_pids.hpp"
#include "autograph/check.hpp"

namespace {

using namespace autograph::can;

bool inside(std::span<const uint8_t> part, std::span<const uint8_t> whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_current_data(std::span<const uint8_t> body) {
  std::array<ObdPidRecord, 6> records;
  const autograph::Result<size_t> n = split_obd_current_data(body, records);
  if (!n) {
    return;
  }
  size_t covered = 0;
  ObdSupportedPids supported;
  for (size_t i = 0; i < *n; ++i) {
    const ObdPidRecord& r = records[i];
    AG_CHECK(inside(r.data, body), "record outside the body");
    AG_CHECK(r.data.size() == obd_pid_response_size(r.pid), "record of the wrong size");
    covered += 1 + r.data.size();
    if (const ObdPid* pid = find_obd_pid(r.pid)) {
      const double value = pid->decode(r.data);
      AG_CHECK(value >= pid->min && value <= pid->max, "value outside the PID's range");
    }
    if (is_obd_bitmap_pid(r.pid)) {
      AG_CHECK(supported.add_bitmap(r.pid, r.data).has_value(), "bitmap refused");
    }
  }
  AG_CHECK(covered == body.size(), "records do not tile the body");
}

// A DTC list's JSON: [] or ["XNNNN",...] with X one of P, C, B, U and N hex digits.
void check_dtc_list_json(const std::string& json) {
  AG_CHECK(json.size() >= 2 && json.front() == '[' && json.back() == ']', "DTC list not [...]");
  const std::string_view inner(json.data() + 1, json.size() - 2);
  AG_CHECK(inner.empty() || (inner.size() + 1) % 8 == 0, "DTC list entries of the wrong size");
  for (size_t at = 0; at < inner.size(); at += 8) {
    AG_CHECK(inner[at] == '"' && inner[at + 6] == '"', "DTC not quoted");
    AG_CHECK(std::string_view("PCBU").find(inner[at + 1]) != std::string_view::npos,
             "bad DTC system letter in JSON");
    AG_CHECK(at + 7 == inner.size() || inner[at + 7] == ',', "DTCs not separated by commas");
  }
}

ObdStoredDtcs g_dtcs;  // carries lists from input to input, as across an ECU's answers

void check_message(std::span<const uint8_t> payload) {
  const autograph::Result<ObdResponse> response = parse_obd_response(payload);
  if (!response || response->negative) {
    return;
  }
  AG_CHECK(!response->body.empty() && inside(response->body, payload), "body outside payload");
  if (response->service == 0x01) {
    check_current_data(response->body);
  } else if (response->service == 0x09) {
    const autograph::Result<std::string_view> text =
        parse_obd_info_text(response->body, response->body[0]);
    if (text) {
      for (const char c : *text) {
        AG_CHECK(c >= 0x20 && c <= 0x7E, "text not printable");
      }
    }
    if (const std::optional<std::string> vin = obd_vin_json(*response)) {
      AG_CHECK(vin->size() == 19 && vin->front() == '"' && vin->back() == '"' &&
                   is_valid_vin(std::string_view(*vin).substr(1, 17)),
               "VIN JSON is not a quoted valid VIN");
    }
  } else {
    if (g_dtcs.update(static_cast<uint32_t>(payload.size() % 12), *response)) {
      check_dtc_list_json(g_dtcs.merged_json());
    }
    std::array<ObdDtc, 4> dtcs;
    const autograph::Result<size_t> n = parse_obd_stored_dtcs(response->body, dtcs);
    for (size_t i = 0; n && i < *n; ++i) {
      AG_CHECK(dtcs[i][0] == 'P' || dtcs[i][0] == 'C' || dtcs[i][0] == 'B' || dtcs[i][0] == 'U',
               "bad DTC system letter");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  check_message(input);
  IsoTpReassembler rx(50'000'000);
  size_t at = 0;
  uint64_t t_ns = 0;
  while (at < input.size()) {
    CanFrame frame;
    frame.id = 0x7E8;
    frame.len = static_cast<uint8_t>(input[at++] % (CanFrame::kMaxClassicLen + 1));
    frame.t_ns = (t_ns += 10'000'000 * (frame.len + 1u));
    for (uint8_t i = 0; i < frame.len && at < input.size(); ++i) {
      frame.data[i] = input[at++];
    }
    const autograph::Result<bool> done = rx.feed(frame);
    if (done && *done) {
      AG_CHECK(rx.message().size() <= IsoTpReassembler::kMaxMessageSize, "message too long");
      check_message(rx.message());
    }
  }
  return 0;
}
