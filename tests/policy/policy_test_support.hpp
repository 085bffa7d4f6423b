// Shared helpers for the policy verifier and pairing tests: real keys, real signatures, a temp
// state directory and a clock the test sets.
#pragma once

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "autograph/signing/address.hpp"
#include "autograph/signing/eip191.hpp"
#include "autograph/signing/secret_key.hpp"
#include "policy/clock.hpp"
#include "policy/rfc3339.hpp"

namespace autograph::policy::testing {

// A key whose 32 bytes are all zero except the last, `last` (1..255).
inline signing::SecretKey key_from(uint8_t last) {
  std::array<uint8_t, 32> bytes{};
  bytes[31] = last;
  auto key = signing::SecretKey::from_bytes(bytes);
  EXPECT_TRUE(key.has_value());
  return std::move(*key);
}

inline std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The "0x..." EIP-191 signature of `text` by `key`.
inline std::string sign(const signing::SecretKey& key, std::string_view text) {
  auto signature = signing::sign_message(key, bytes_of(text));
  EXPECT_TRUE(signature.has_value());
  return signature->to_hex();
}

class FixedClock final : public Clock {
 public:
  int64_t now_unix_ms() const override { return now_ms; }
  int64_t now_ms = 0;
};

inline int64_t at(const char* rfc3339) { return parse_rfc3339_utc_ms(rfc3339).value(); }

// A valid policy for `device`, version `version`, valid in 2026.
inline std::string policy_text(const signing::Address& device, uint64_t version,
                               const char* issued = "2026-01-01T00:00:00Z",
                               const char* expires = "2027-01-01T00:00:00Z",
                               const char* extra_key = "") {
  return fmt::format(R"({{
  "device": "{}",
  "version": {},
  "issued": "{}",
  "expires": "{}",{}
  "grantees": [{{
    "name": "owner",
    "endpoint": {{"host": "127.0.0.1", "port": 8883, "ca": "/etc/ca.pem", "topic": "v/{{device}}"}},
    "signals": [{{"path": "Vehicle.Speed", "every_ms": 1000}}],
    "batch": {{"max_interval_s": 10, "max_samples": 100}}
  }}]
}}
)",
                     device.to_checksum_hex(), version, issued, expires, extra_key);
}

// A fresh directory under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("autograph-policy-test-{}-{}", ::getpid(), counter++);
    std::filesystem::remove_all(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace autograph::policy::testing
