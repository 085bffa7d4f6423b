// Recoverable secp256k1 ECDSA signatures as Ethereum writes them: 65 bytes r || s || v, r and s
// big-endian, v = 27 + recovery id. Signing uses RFC 6979 deterministic nonces (libsecp256k1's
// default), so a key and a digest always give the same signature, and low s (s <= n/2): a
// signature with high s is the same signature "mirrored", and Ethereum (EIP-2) refuses it so that
// nobody can alter a signed batch's bytes and keep it valid.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/keccak256.hpp"
#include "autograph/signing/secret_key.hpp"

namespace autograph::signing {

struct Signature {
  static constexpr size_t kSize = 65;
  std::array<uint8_t, kSize> bytes{};

  // Returns "0x" + 130 lowercase hex digits.
  std::string to_hex() const;

  // Parses "0x" + 130 hex digits. v may be 0/1 (as some libraries write it) or 27/28; it is
  // normalised to 27/28. Any other v, or other length or characters, is kMalformed. r and s are
  // checked by recover_address, not here.
  [[nodiscard]] static Result<Signature> parse_hex(std::string_view text);

  friend bool operator==(const Signature&, const Signature&) = default;
};

// Signs a 32-byte digest: RFC 6979 nonce, low s, v = 27/28. Errors only if libsecp256k1 fails
// (kInternal), which for a valid key does not happen. Thread-safe.
[[nodiscard]] Result<Signature> sign_digest(const SecretKey& key, const Hash256& digest);

// Returns the address whose key made `signature` over `digest`. kMalformed, saying why, when v is
// not 27/28, r or s is zero or not below the curve order, s is high (above n/2), or no public key
// recovers. Checking that the address is the expected one is the caller's job. Thread-safe.
[[nodiscard]] Result<Address> recover_address(const Hash256& digest, const Signature& signature);

}  // namespace autograph::signing
