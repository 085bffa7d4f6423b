// The device's secp256k1 secret key, held so that it cannot leak by accident: it wipes itself
// (explicit_bzero, which the compiler may not elide) when destroyed or moved from, cannot be
// copied, and has no operator<< and no fmt formatter, so it cannot be printed or logged.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <span>

#include "autograph/result.hpp"

namespace autograph::signing {

class SecretKey {
 public:
  static constexpr size_t kSize = 32;

  // Returns a new key from getrandom(2): 32 random bytes, drawn again while they are not a valid
  // scalar (zero or >= the curve order, chance about 2^-128). kUnavailable if getrandom fails.
  [[nodiscard]] static Result<SecretKey> generate();

  // Returns the key with these big-endian bytes. kMalformed if `bytes` is not 32 bytes long or is
  // not a valid scalar (zero or >= the curve order). The caller wipes its own copy.
  [[nodiscard]] static Result<SecretKey> from_bytes(std::span<const uint8_t> bytes);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  // The 32 big-endian bytes, valid while this object lives and is not moved from. Aborts
  // (AG_CHECK) on a moved-from key. Only signing code should call this.
  std::span<const uint8_t, kSize> bytes() const noexcept;

  // False after the key was moved from.
  bool valid() const noexcept { return valid_; }

  // Printing a key is a compile error, on purpose.
  friend std::ostream& operator<<(std::ostream&, const SecretKey&) = delete;

 private:
  SecretKey() noexcept = default;
  void wipe() noexcept;

  std::array<uint8_t, kSize> bytes_{};
  bool valid_ = false;
};

}  // namespace autograph::signing
