// Keccak-f[1600] after the Keccak team's reference description (FIPS 202 section 3 with the
// original padding). Lanes are little-endian 64-bit words assembled from bytes explicitly, so the
// code gives the same digests on every host byte order.
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

constexpr uint64_t rotl(uint64_t x, unsigned n) noexcept { return (x << n) | (x >> (64 - n)); }

// One permutation with the 25 lanes in locals (lane x + 5y is a<y><x>): the compiler keeps them in
// registers, about four times faster than indexing the state array in loops. Per round:
// theta (c, d), rho and pi together (b[y][2x+3y] = rotl(a[x][y] ^ d[x], r[x][y]) with the
// rotation offsets r of the specification), chi, and iota on lane 0.
void keccak_f1600(std::array<uint64_t, 25>& s) noexcept {
  uint64_t a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
  uint64_t a05 = s[5], a06 = s[6], a07 = s[7], a08 = s[8], a09 = s[9];
  uint64_t a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
  uint64_t a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
  uint64_t a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
  for (uint64_t round_constant : kRoundConstants) {
    const uint64_t c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
    const uint64_t c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
    const uint64_t c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
    const uint64_t c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
    const uint64_t c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
    const uint64_t d0 = c4 ^ rotl(c1, 1);
    const uint64_t d1 = c0 ^ rotl(c2, 1);
    const uint64_t d2 = c1 ^ rotl(c3, 1);
    const uint64_t d3 = c2 ^ rotl(c4, 1);
    const uint64_t d4 = c3 ^ rotl(c0, 1);

    const uint64_t b00 = a00 ^ d0;
    const uint64_t b01 = rotl(a06 ^ d1, 44);
    const uint64_t b02 = rotl(a12 ^ d2, 43);
    const uint64_t b03 = rotl(a18 ^ d3, 21);
    const uint64_t b04 = rotl(a24 ^ d4, 14);
    const uint64_t b05 = rotl(a03 ^ d3, 28);
    const uint64_t b06 = rotl(a09 ^ d4, 20);
    const uint64_t b07 = rotl(a10 ^ d0, 3);
    const uint64_t b08 = rotl(a16 ^ d1, 45);
    const uint64_t b09 = rotl(a22 ^ d2, 61);
    const uint64_t b10 = rotl(a01 ^ d1, 1);
    const uint64_t b11 = rotl(a07 ^ d2, 6);
    const uint64_t b12 = rotl(a13 ^ d3, 25);
    const uint64_t b13 = rotl(a19 ^ d4, 8);
    const uint64_t b14 = rotl(a20 ^ d0, 18);
    const uint64_t b15 = rotl(a04 ^ d4, 27);
    const uint64_t b16 = rotl(a05 ^ d0, 36);
    const uint64_t b17 = rotl(a11 ^ d1, 10);
    const uint64_t b18 = rotl(a17 ^ d2, 15);
    const uint64_t b19 = rotl(a23 ^ d3, 56);
    const uint64_t b20 = rotl(a02 ^ d2, 62);
    const uint64_t b21 = rotl(a08 ^ d3, 55);
    const uint64_t b22 = rotl(a14 ^ d4, 39);
    const uint64_t b23 = rotl(a15 ^ d0, 41);
    const uint64_t b24 = rotl(a21 ^ d1, 2);

    a00 = b00 ^ (~b01 & b02) ^ round_constant;
    a01 = b01 ^ (~b02 & b03);
    a02 = b02 ^ (~b03 & b04);
    a03 = b03 ^ (~b04 & b00);
    a04 = b04 ^ (~b00 & b01);
    a05 = b05 ^ (~b06 & b07);
    a06 = b06 ^ (~b07 & b08);
    a07 = b07 ^ (~b08 & b09);
    a08 = b08 ^ (~b09 & b05);
    a09 = b09 ^ (~b05 & b06);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
  }
  s = {a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12,
       a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24};
}

void xor_byte(std::array<uint64_t, 25>& state, size_t position, uint8_t byte) noexcept {
  state[position / 8] ^= static_cast<uint64_t>(byte) << (8 * (position % 8));
}

}  // namespace

void Keccak256::update(std::span<const uint8_t> bytes) noexcept {
  AG_CHECK(!finished_, "Keccak256::update after finish");
  // Whole blocks at a block boundary: XOR 8-byte little-endian lanes instead of single bytes.
  while (position_ == 0 && bytes.size() >= kRate) {
    for (size_t lane = 0; lane < kRate / 8; ++lane) {
      uint64_t value = 0;
      for (size_t i = 0; i < 8; ++i) {
        value |= static_cast<uint64_t>(bytes[8 * lane + i]) << (8 * i);
      }
      state_[lane] ^= value;
    }
    keccak_f1600(state_);
    bytes = bytes.subspan(kRate);
  }
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
