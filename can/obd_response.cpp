// OBD-II response parsing (see the header).
#include "autograph/can/obd_response.hpp"

#include <algorithm>

#include "autograph/can/obd_pid_table.hpp"
#include "autograph/can/obd_request.hpp"

namespace autograph::can {
namespace {

constexpr uint8_t kPositiveOffset = 0x40;

}  // namespace

Result<ObdResponse> parse_obd_response(std::span<const uint8_t> payload) {
  if (payload.empty()) {
    return fail(ErrorCode::kMalformed, "empty OBD response");
  }
  ObdResponse response;
  if (payload[0] == kObdNegativeResponse) {
    if (payload.size() < 3) {
      return fail(ErrorCode::kMalformed, "negative OBD response of {} bytes; it takes 3",
                  payload.size());
    }
    response.negative = true;
    response.service = payload[1];
    response.nrc = payload[2];
  } else {
    if (payload[0] < kPositiveOffset) {
      return fail(ErrorCode::kMalformed, "OBD response byte 0x{:02X} is no response service",
                  payload[0]);
    }
    response.service = static_cast<uint8_t>(payload[0] - kPositiveOffset);
    response.body = payload.subspan(1);
  }
  if (!is_allowed_obd_service(response.service)) {
    return fail(ErrorCode::kMalformed,
                "OBD response to service 0x{:02X}, which autograph never requests",
                response.service);
  }
  if (!response.negative && response.body.empty()) {
    return fail(ErrorCode::kMalformed, "OBD response to service 0x{:02X} without data",
                response.service);
  }
  return response;
}

Result<size_t> split_obd_current_data(std::span<const uint8_t> body, std::span<ObdPidRecord> out) {
  if (body.empty()) {
    return fail(ErrorCode::kMalformed, "service 01 response without a PID");
  }
  size_t count = 0;
  size_t at = 0;
  while (at < body.size()) {
    const uint8_t pid = body[at];
    const size_t size = obd_pid_response_size(pid);
    if (size == 0) {
      return fail(ErrorCode::kMalformed, "service 01 response: PID 0x{:02X} at byte {} is unknown",
                  pid, at + 1);
    }
    if (body.size() - at - 1 < size) {
      return fail(ErrorCode::kMalformed,
                  "service 01 response: PID 0x{:02X} at byte {} has {} data bytes; it takes {}",
                  pid, at + 1, body.size() - at - 1, size);
    }
    if (count == out.size()) {
      return fail(ErrorCode::kMalformed, "service 01 response holds more than {} PIDs", out.size());
    }
    out[count++] = ObdPidRecord{pid, body.subspan(at + 1, size)};
    at += 1 + size;
  }
  return count;
}

Result<std::string_view> parse_obd_info_text(std::span<const uint8_t> body, uint8_t pid) {
  if (body.size() < 2) {
    return fail(ErrorCode::kMalformed, "service 09 response of {} bytes; it takes at least 2",
                body.size());
  }
  if (body[0] != pid) {
    return fail(ErrorCode::kMalformed, "service 09 response for PID 0x{:02X}, not 0x{:02X}",
                body[0], pid);
  }
  std::span<const uint8_t> text = body.subspan(2);
  while (!text.empty() && text.back() == 0) {
    text = text.first(text.size() - 1);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] < 0x20 || text[i] > 0x7E) {
      return fail(ErrorCode::kMalformed,
                  "service 09 PID 0x{:02X} text: byte {} is 0x{:02X}, not printable ASCII", pid,
                  i + 1, text[i]);
    }
  }
  return std::string_view(reinterpret_cast<const char*>(text.data()), text.size());
}

bool is_valid_vin(std::string_view text) noexcept {
  constexpr size_t kVinLength = 17;
  return text.size() == kVinLength && std::all_of(text.begin(), text.end(), [](char c) {
           const bool digit = c >= '0' && c <= '9';
           const bool letter = c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q';
           return digit || letter;
         });
}

ObdDtc decode_obd_dtc(uint8_t a, uint8_t b) noexcept {
  static constexpr char kSystems[] = {'P', 'C', 'B', 'U'};
  static constexpr char kHex[] = "0123456789ABCDEF";
  return ObdDtc{kSystems[a >> 6], kHex[(a >> 4) & 0x3], kHex[a & 0xF], kHex[b >> 4], kHex[b & 0xF]};
}

Result<size_t> parse_obd_stored_dtcs(std::span<const uint8_t> body, std::span<ObdDtc> out) {
  if (body.empty()) {
    return fail(ErrorCode::kMalformed, "service 03 response without a DTC count");
  }
  const size_t count = body[0];
  if (body.size() != 1 + 2 * count) {
    return fail(ErrorCode::kMalformed, "service 03 response announces {} DTCs in {} bytes", count,
                body.size() - 1);
  }
  if (count > out.size()) {
    return fail(ErrorCode::kDataLoss, "service 03 response holds {} DTCs; room for {}", count,
                out.size());
  }
  for (size_t i = 0; i < count; ++i) {
    out[i] = decode_obd_dtc(body[1 + 2 * i], body[2 + 2 * i]);
  }
  return count;
}

}  // namespace autograph::can
