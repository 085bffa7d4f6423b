// Signed envelopes for the verifier tests, made with the real StreamSigner.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "autograph/signing/stream_signer.hpp"
#include "signing/test_util.hpp"

namespace autograph::signing::test {

inline BatchBody small_body(double speed) {
  BatchBody body;
  body.clock = ClockState::kSynced;
  body.from_ms = 1764150000000;
  body.to_ms = 1764150001000;
  body.signals = {{"Vehicle.Speed", {{0, speed}, {500, speed + 1.0}}}};
  return body;
}

inline std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(1764150001000));
}

// Signs `count` batches of one stream with `key`, starting at `cursor`.
inline std::vector<std::string> sign_batches(const SecretKey& key, const std::string& stream,
                                             size_t count, StreamCursor cursor = {}) {
  StreamSigner signer(key, stream, "b00t", cursor);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    auto batch = signer.sign(small_body(50.0 + static_cast<double>(i)), fixed_time());
    if (!batch) {
      std::abort();
    }
    out.push_back(std::move(batch->envelope));
  }
  return out;
}

}  // namespace autograph::signing::test
