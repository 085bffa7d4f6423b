#include "autograph/signing/signature.hpp"

#include <secp256k1_recovery.h>

#include <algorithm>
#include <span>

#include "autograph/signing/hex.hpp"
#include "signing/secp256k1_context.hpp"

namespace autograph::signing {
namespace {

// The order n of the secp256k1 group and n/2 (rounded down), big-endian.
constexpr std::array<uint8_t, 32> kOrder = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
constexpr std::array<uint8_t, 32> kHalfOrder = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

bool is_zero(std::span<const uint8_t> value) {
  return std::all_of(value.begin(), value.end(), [](uint8_t b) { return b == 0; });
}

// Big-endian comparison of two 32-byte numbers: true if a > b.
bool greater(std::span<const uint8_t> a, std::span<const uint8_t, 32> b) {
  return std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end());
}

Result<void> check_scalars(const Signature& signature) {
  const auto r = std::span(signature.bytes).first(32);
  const auto s = std::span(signature.bytes).subspan(32, 32);
  const uint8_t v = signature.bytes[64];
  if (v != 27 && v != 28) {
    return fail(ErrorCode::kMalformed, "signature v must be 27 or 28, got {}", v);
  }
  if (is_zero(r) || is_zero(s)) {
    return fail(ErrorCode::kMalformed, "signature {} is zero", is_zero(r) ? "r" : "s");
  }
  if (!greater(kOrder, std::span<const uint8_t, 32>(r.data(), 32)) ||
      !greater(kOrder, std::span<const uint8_t, 32>(s.data(), 32))) {
    return fail(ErrorCode::kMalformed, "signature {} is not below the curve order",
                greater(kOrder, std::span<const uint8_t, 32>(r.data(), 32)) ? "s" : "r");
  }
  if (greater(s, kHalfOrder)) {
    return fail(ErrorCode::kMalformed,
                "signature s is above n/2 (high s: a malleable signature Ethereum refuses)");
  }
  return {};
}

}  // namespace

std::string Signature::to_hex() const { return to_0x_hex(bytes); }

Result<Signature> Signature::parse_hex(std::string_view text) {
  if (text.size() != 2 + 2 * kSize || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return fail(ErrorCode::kMalformed,
                "signature must be 0x followed by 130 hex digits (65 bytes), got {} characters",
                text.size());
  }
  Signature signature;
  if (auto decoded = decode_hex(text.substr(2), signature.bytes, "signature"); !decoded) {
    return tl::unexpected(decoded.error());
  }
  uint8_t& v = signature.bytes[64];
  if (v == 0 || v == 1) {
    v = static_cast<uint8_t>(v + 27);
  }
  if (v != 27 && v != 28) {
    return fail(ErrorCode::kMalformed, "signature v must be 0, 1, 27 or 28, got {}", v);
  }
  return signature;
}

Result<Signature> sign_digest(const SecretKey& key, const Hash256& digest) {
  const secp256k1_context* ctx = detail::secp256k1_ctx();
  secp256k1_ecdsa_recoverable_signature raw;
  // A null nonce function selects RFC 6979 (HMAC-SHA256); libsecp256k1 always emits low s.
  if (secp256k1_ecdsa_sign_recoverable(ctx, &raw, digest.data(), key.bytes().data(), nullptr,
                                       nullptr) != 1) {
    return fail(ErrorCode::kInternal, "secp256k1_ecdsa_sign_recoverable failed");
  }
  Signature signature;
  int recovery_id = -1;
  if (secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, signature.bytes.data(),
                                                              &recovery_id, &raw) != 1 ||
      recovery_id < 0 || recovery_id > 1) {
    // Recovery ids 2 and 3 need r >= n, which happens with probability about 2^-127.
    return fail(ErrorCode::kInternal, "secp256k1 produced recovery id {}", recovery_id);
  }
  signature.bytes[64] = static_cast<uint8_t>(27 + recovery_id);
  return signature;
}

Result<Address> recover_address(const Hash256& digest, const Signature& signature) {
  if (auto valid = check_scalars(signature); !valid) {
    return tl::unexpected(valid.error());
  }
  const secp256k1_context* ctx = detail::secp256k1_ctx();
  secp256k1_ecdsa_recoverable_signature raw;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &raw, signature.bytes.data(),
                                                          signature.bytes[64] - 27) != 1) {
    return fail(ErrorCode::kMalformed, "signature r/s could not be parsed");
  }
  secp256k1_pubkey pubkey;
  if (secp256k1_ecdsa_recover(ctx, &pubkey, &raw, digest.data()) != 1) {
    return fail(ErrorCode::kMalformed, "no public key recovers from this signature and digest");
  }
  std::array<uint8_t, 65> serialized{};
  size_t length = serialized.size();
  if (secp256k1_ec_pubkey_serialize(ctx, serialized.data(), &length, &pubkey,
                                    SECP256K1_EC_UNCOMPRESSED) != 1 ||
      length != serialized.size()) {
    return fail(ErrorCode::kInternal, "secp256k1_ec_pubkey_serialize failed");
  }
  return address_of_public_key(serialized);
}

}  // namespace autograph::signing
