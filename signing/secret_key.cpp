#include "autograph/signing/secret_key.hpp"

#include <string.h>

#include <algorithm>

#include "autograph/check.hpp"
#include "autograph/signing/random_bytes.hpp"
#include "signing/secp256k1_context.hpp"

namespace autograph::signing {
namespace {
// A valid scalar is drawn with probability 1 - 2^-128; this bound only turns a broken getrandom
// (returning a constant invalid value) into an error instead of a hang.
constexpr int kMaxDraws = 64;
}  // namespace

Result<SecretKey> SecretKey::generate() {
  SecretKey key;
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    if (auto filled = fill_random(key.bytes_); !filled) {
      return tl::unexpected(filled.error());
    }
    if (secp256k1_ec_seckey_verify(detail::secp256k1_ctx(), key.bytes_.data()) == 1) {
      key.valid_ = true;
      return key;
    }
  }
  return fail(ErrorCode::kInternal, "getrandom returned {} invalid secp256k1 scalars in a row",
              kMaxDraws);
}

Result<SecretKey> SecretKey::from_bytes(std::span<const uint8_t> bytes) {
  if (bytes.size() != kSize) {
    return fail(ErrorCode::kMalformed, "secret key must be {} bytes, got {}", kSize, bytes.size());
  }
  SecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
  if (secp256k1_ec_seckey_verify(detail::secp256k1_ctx(), key.bytes_.data()) != 1) {
    return fail(ErrorCode::kMalformed,
                "secret key is not a valid secp256k1 scalar (zero or not below the curve order)");
  }
  key.valid_ = true;
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_), valid_(other.valid_) {
  other.wipe();
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    valid_ = other.valid_;
    other.wipe();
  }
  return *this;
}

SecretKey::~SecretKey() { wipe(); }

std::span<const uint8_t, SecretKey::kSize> SecretKey::bytes() const noexcept {
  AG_CHECK(valid_, "SecretKey used after it was moved from");
  return std::span<const uint8_t, kSize>(bytes_);
}

void SecretKey::wipe() noexcept {
  explicit_bzero(bytes_.data(), bytes_.size());
  valid_ = false;
}

}  // namespace autograph::signing
