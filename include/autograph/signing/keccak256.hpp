// Keccak-256 as Ethereum uses it: the original Keccak submission's padding (0x01 ... 0x80), not
// NIST SHA3-256's (0x06 ... 0x80), so the digests differ from SHA3-256 for every input.
//
// Rules for the whole signing module: bad data from outside is a returned Error; a broken caller
// aborts through AG_CHECK; secrets are wiped on every path; nothing here logs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace autograph::signing {

// A 32-byte digest, big-endian as printed by Ethereum tools.
using Hash256 = std::array<uint8_t, 32>;

// Returns keccak256(bytes). Any length, including empty. Thread-safe (no shared state).
Hash256 keccak256(std::span<const uint8_t> bytes) noexcept;

// Streaming Keccak-256: update() any number of times with pieces of any size, then finish()
// once. The digest equals keccak256() of the concatenated pieces. One object per thread.
class Keccak256 {
 public:
  Keccak256() noexcept = default;

  // Absorbs `bytes`. Aborts (AG_CHECK) if called after finish().
  void update(std::span<const uint8_t> bytes) noexcept;

  // Pads, squeezes and returns the digest. Aborts (AG_CHECK) if called twice.
  Hash256 finish() noexcept;

 private:
  // Rate of Keccak-256 in bytes: 1600-bit state minus 2 * 256-bit capacity.
  static constexpr size_t kRate = 136;

  std::array<uint64_t, 25> state_{};
  size_t position_ = 0;  // bytes absorbed into the current block, 0..kRate-1
  bool finished_ = false;
};

}  // namespace autograph::signing
