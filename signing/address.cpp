#include "autograph/signing/address.hpp"

#include <algorithm>
#include <cctype>

#include "autograph/check.hpp"
#include "autograph/signing/hex.hpp"
#include "autograph/signing/keccak256.hpp"
#include "signing/secp256k1_context.hpp"

namespace autograph::signing {
namespace {

// Applies EIP-55 casing to 40 lowercase hex digits.
std::string checksum_case(std::string lower) {
  const Hash256 hash =
      keccak256(std::span(reinterpret_cast<const uint8_t*>(lower.data()), lower.size()));
  for (size_t i = 0; i < lower.size(); ++i) {
    const unsigned nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 0x0fu);
    if (nibble >= 8 && lower[i] >= 'a' && lower[i] <= 'f') {
      lower[i] = static_cast<char>(lower[i] - 'a' + 'A');
    }
  }
  return lower;
}

}  // namespace

std::string Address::to_checksum_hex() const { return "0x" + checksum_case(to_hex(bytes)); }

Result<Address> Address::parse(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return fail(ErrorCode::kMalformed, "address '{}' must be 0x followed by 40 hex digits",
                text.substr(0, 64));
  }
  const std::string_view digits = text.substr(2);
  Address address;
  if (auto decoded = decode_hex(digits, address.bytes, "address"); !decoded) {
    return tl::unexpected(decoded.error());
  }
  const bool has_lower =
      std::any_of(digits.begin(), digits.end(), [](char c) { return c >= 'a' && c <= 'f'; });
  const bool has_upper =
      std::any_of(digits.begin(), digits.end(), [](char c) { return c >= 'A' && c <= 'F'; });
  if (has_lower && has_upper) {
    const std::string expected = address.to_checksum_hex();
    if (std::string_view(expected).substr(2) != digits) {
      return fail(ErrorCode::kMalformed,
                  "address '{}' has mixed case but not the EIP-55 checksum casing ({})", text,
                  expected);
    }
  }
  return address;
}

Address address_of_public_key(std::span<const uint8_t> uncompressed) {
  AG_CHECK(uncompressed.size() == 65 && uncompressed[0] == 0x04,
           "address_of_public_key needs a 65-byte uncompressed key");
  const Hash256 hash = keccak256(uncompressed.subspan(1));
  Address address;
  std::copy(hash.end() - 20, hash.end(), address.bytes.begin());
  return address;
}

Address address_of(const SecretKey& key) {
  const secp256k1_context* ctx = detail::secp256k1_ctx();
  secp256k1_pubkey pubkey;
  // A SecretKey is a valid scalar by construction, so this cannot fail.
  AG_CHECK(secp256k1_ec_pubkey_create(ctx, &pubkey, key.bytes().data()) == 1,
           "secp256k1_ec_pubkey_create rejected a validated key");
  std::array<uint8_t, 65> serialized{};
  size_t length = serialized.size();
  AG_CHECK(secp256k1_ec_pubkey_serialize(ctx, serialized.data(), &length, &pubkey,
                                         SECP256K1_EC_UNCOMPRESSED) == 1 &&
               length == serialized.size(),
           "secp256k1_ec_pubkey_serialize failed");
  return address_of_public_key(serialized);
}

}  // namespace autograph::signing
