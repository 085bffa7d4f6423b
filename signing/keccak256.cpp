// Keccak-f[1600] after the Keccak team's reference description (FIPS 202 section 3 with the
// original padding). Lanes are little-endian 64-bit words; bytes are XORed in one at a time so
// the code is the same on every host byte order.
#include "autograph/signing/keccak256.hpp"

#include "autograph/check.hpp"

namespace autograph::signing {
namespace {

constexpr std::array<uint64_t, 24> kRoundConstants = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

// Rotation offsets and lane permutation of the combined rho and pi steps, in pi's visiting order.
constexpr std::array<unsigned, 24> kRotations = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                                 27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr std::array<size_t, 24> kPiLanes = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                             15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

constexpr uint64_t rotl(uint64_t x, unsigned n) noexcept { return (x << n) | (x >> (64 - n)); }

void keccak_f1600(std::array<uint64_t, 25>& a) noexcept {
  for (uint64_t round_constant : kRoundConstants) {
    std::array<uint64_t, 5> c{};
    for (size_t x = 0; x < 5; ++x) {
      c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    }
    for (size_t x = 0; x < 5; ++x) {
      const uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
      for (size_t y = 0; y < 25; y += 5) {
        a[y + x] ^= d;
      }
    }
    uint64_t carried = a[1];
    for (size_t i = 0; i < 24; ++i) {
      const size_t lane = kPiLanes[i];
      const uint64_t next = a[lane];
      a[lane] = rotl(carried, kRotations[i]);
      carried = next;
    }
    for (size_t y = 0; y < 25; y += 5) {
      for (size_t x = 0; x < 5; ++x) {
        c[x] = a[y + x];
      }
      for (size_t x = 0; x < 5; ++x) {
        a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
      }
    }
    a[0] ^= round_constant;
  }
}

void xor_byte(std::array<uint64_t, 25>& state, size_t position, uint8_t byte) noexcept {
  state[position / 8] ^= static_cast<uint64_t>(byte) << (8 * (position % 8));
}

}  // namespace

void Keccak256::update(std::span<const uint8_t> bytes) noexcept {
  AG_CHECK(!finished_, "Keccak256::update after finish");
  for (uint8_t byte : bytes) {
    xor_byte(state_, position_, byte);
    if (++position_ == kRate) {
      keccak_f1600(state_);
      position_ = 0;
    }
  }
}

Hash256 Keccak256::finish() noexcept {
  AG_CHECK(!finished_, "Keccak256::finish called twice");
  finished_ = true;
  // Ethereum's Keccak padding: 0x01 after the message, 0x80 in the last byte of the block (the
  // two combine into 0x81 when one byte of the block is left).
  xor_byte(state_, position_, 0x01);
  xor_byte(state_, kRate - 1, 0x80);
  keccak_f1600(state_);
  Hash256 digest{};
  for (size_t i = 0; i < digest.size(); ++i) {
    digest[i] = static_cast<uint8_t>(state_[i / 8] >> (8 * (i % 8)));
  }
  return digest;
}

Hash256 keccak256(std::span<const uint8_t> bytes) noexcept {
  Keccak256 hasher;
  hasher.update(bytes);
  return hasher.finish();
}

}  // namespace autograph::signing
