// EIP-191 version 0x45 ("personal_sign"): what MetaMask, ethers `Wallet.signMessage` and
// `cast wallet sign` sign, so an owner can sign a policy with the wallet they already have.
// The prefix makes a signed message unusable as a signed Ethereum transaction.
#pragma once

#include <cstdint>
#include <span>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/keccak256.hpp"
#include "autograph/signing/secret_key.hpp"
#include "autograph/signing/signature.hpp"

namespace autograph::signing {

// Returns keccak256("\x19Ethereum Signed Message:\n" + decimal byte length + message).
Hash256 eip191_hash(std::span<const uint8_t> message) noexcept;

// Signs eip191_hash(message) (see sign_digest). The result equals ethers' signMessage(message).
[[nodiscard]] Result<Signature> sign_message(const SecretKey& key,
                                             std::span<const uint8_t> message);

// Returns the address that signed `message` with personal_sign, or why the signature is invalid
// (see recover_address). Comparing against the expected owner is the caller's job.
[[nodiscard]] Result<Address> recover_message_signer(std::span<const uint8_t> message,
                                                     const Signature& signature);

}  // namespace autograph::signing
