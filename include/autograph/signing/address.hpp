// Ethereum addresses: the last 20 bytes of keccak256 of the uncompressed public key (64 bytes,
// without the 0x04 prefix), written with EIP-55 checksum casing.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "autograph/result.hpp"
#include "autograph/signing/secret_key.hpp"

namespace autograph::signing {

struct Address {
  std::array<uint8_t, 20> bytes{};

  // Returns "0x" + 40 hex digits cased by EIP-55 (a digit is upper case where the matching nibble
  // of keccak256(lowercase hex) is >= 8), e.g. "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed".
  std::string to_checksum_hex() const;

  // Parses "0x" + 40 hex digits. All lower or all upper case is accepted without a checksum
  // (older tools print those); mixed case must be the exact EIP-55 casing, since a mistyped
  // address then fails instead of naming somebody else. kMalformed says which rule failed.
  [[nodiscard]] static Result<Address> parse(std::string_view text);

  friend bool operator==(const Address&, const Address&) = default;
};

// Returns the address of an uncompressed public key: 65 bytes starting 0x04. Aborts (AG_CHECK)
// on another size or prefix (the callers get the key from libsecp256k1).
Address address_of_public_key(std::span<const uint8_t> uncompressed);

// Returns the address of the key's public key. Aborts on a moved-from key.
Address address_of(const SecretKey& key);

}  // namespace autograph::signing
