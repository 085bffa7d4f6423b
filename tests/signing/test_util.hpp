// Helpers shared by the signing tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/signing/hex.hpp"
#include "autograph/signing/keccak256.hpp"
#include "autograph/signing/secret_key.hpp"

namespace autograph::signing::test {

inline std::span<const uint8_t> as_bytes(std::string_view text) {
  return std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

inline std::string hex_of(const Hash256& hash) { return to_0x_hex(hash); }

// Decodes "0x..." test vectors; aborts the test binary on a typo in a vector.
inline std::vector<uint8_t> from_hex(std::string_view text) {
  if (text.substr(0, 2) == "0x") {
    text.remove_prefix(2);
  }
  std::vector<uint8_t> bytes(text.size() / 2);
  if (!decode_hex(text, bytes, "test vector")) {
    std::abort();
  }
  return bytes;
}

// The private key of the web3.js documentation's accounts examples, used by many tools' tests.
inline constexpr std::string_view kWeb3DocsKey =
    "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
inline constexpr std::string_view kWeb3DocsAddress = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";

inline SecretKey key_from_hex(std::string_view hex) {
  auto bytes = from_hex(hex);
  auto key = SecretKey::from_bytes(bytes);
  if (!key) {
    std::abort();
  }
  return std::move(*key);
}

}  // namespace autograph::signing::test
