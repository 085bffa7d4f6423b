// IsoTpReassembler (see the header).
#include "autograph/can/isotp_reassembler.hpp"

#include <algorithm>

namespace autograph::can {

Result<bool> IsoTpReassembler::feed(const CanFrame& frame) {
  if (frame.len == 0) {
    start_over();
    return fail(ErrorCode::kMalformed, "ISO-TP frame without a PCI byte");
  }
  switch (frame.data[0] >> 4) {
    case 0x0:
      return single_frame(frame);
    case 0x1:
      return first_frame(frame);
    case 0x2:
      return consecutive_frame(frame);
    case 0x3:
      return false;
    default:
      break;
  }
  start_over();
  return fail(ErrorCode::kMalformed, "ISO-TP frame with PCI type 0x{:X}", frame.data[0] >> 4);
}

void IsoTpReassembler::start_over() {
  if (expected_ > 0) {
    ++abandoned_;
  }
  expected_ = 0;
  size_ = 0;
}

Result<bool> IsoTpReassembler::single_frame(const CanFrame& frame) {
  start_over();
  size_t length = frame.data[0] & 0x0Fu;
  size_t offset = 1;
  if (length == 0 && frame.len > CanFrame::kMaxClassicLen) {
    // CAN FD escape: the length is in the second byte.
    length = frame.len > 1 ? frame.data[1] : 0;
    offset = 2;
  }
  if (length == 0 || length > size_t{frame.len} - offset) {
    return fail(ErrorCode::kMalformed, "ISO-TP single frame of length {} in a {}-byte frame",
                length, frame.len);
  }
  std::copy_n(frame.data + offset, length, buffer_.begin());
  size_ = length;
  return true;
}

Result<bool> IsoTpReassembler::first_frame(const CanFrame& frame) {
  start_over();
  if (frame.len < CanFrame::kMaxClassicLen) {
    return fail(ErrorCode::kMalformed, "ISO-TP first frame of {} bytes; it takes at least 8",
                frame.len);
  }
  const size_t length = size_t{frame.data[0] & 0x0Fu} << 8 | frame.data[1];
  if (length == 0) {
    return fail(ErrorCode::kMalformed, "ISO-TP first frame with a 32-bit length (unsupported)");
  }
  const size_t first = size_t{frame.len} - 2;
  if (length <= first) {
    return fail(ErrorCode::kMalformed,
                "ISO-TP first frame announcing {} bytes, which fit a single frame", length);
  }
  std::copy_n(frame.data + 2, first, buffer_.begin());
  size_ = first;
  expected_ = length;
  next_sn_ = 1;
  last_t_ns_ = frame.t_ns;
  return false;
}

Result<bool> IsoTpReassembler::consecutive_frame(const CanFrame& frame) {
  if (expected_ == 0) {
    size_ = 0;
    return fail(ErrorCode::kMalformed, "ISO-TP consecutive frame without a first frame");
  }
  const auto sn = static_cast<uint8_t>(frame.data[0] & 0x0Fu);
  if (sn != next_sn_) {
    const uint8_t expected_sn = next_sn_;
    start_over();
    return fail(ErrorCode::kMalformed, "ISO-TP expected sequence number {}, got {}", expected_sn,
                sn);
  }
  if (frame.t_ns > last_t_ns_ && frame.t_ns - last_t_ns_ > timeout_ns_) {
    const uint64_t gap_ms = (frame.t_ns - last_t_ns_) / 1'000'000;
    start_over();
    return fail(ErrorCode::kUnavailable,
                "ISO-TP consecutive frame {} ms after the previous one (timeout {} ms)", gap_ms,
                timeout_ns_ / 1'000'000);
  }
  const size_t take = std::min(expected_ - size_, size_t{frame.len} - 1);
  std::copy_n(frame.data + 1, take, buffer_.begin() + static_cast<ptrdiff_t>(size_));
  size_ += take;
  next_sn_ = static_cast<uint8_t>((next_sn_ + 1) & 0x0Fu);
  last_t_ns_ = frame.t_ns;
  if (size_ < expected_) {
    return false;
  }
  expected_ = 0;
  return true;
}

}  // namespace autograph::can
