// Owner pairing: the device learns once whose signature its policies need.
//
// The first pairing needs no proof (whoever installs the device pairs it, as with a phone).
// After that the owner changes only with a statement signed by the current owner, EIP-191
// personal_sign (a wallet's "sign message") over the exact text
//
//   autograph pair <device address> <new owner address>
//
// with both addresses in EIP-55 checksum form (ownership_transfer_statement() builds it). On a
// change of owner the policy in force is removed: the new owner signs their own; the highest
// version seen is kept, so their first policy needs a greater version.
//
// Thread: one caller at a time per state directory.
#pragma once

#include <optional>
#include <string>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/signature.hpp"
#include "policy/state_directory.hpp"

namespace autograph::policy {

// "autograph pair 0x<device, checksummed> 0x<new owner, checksummed>".
std::string ownership_transfer_statement(const signing::Address& device,
                                         const signing::Address& new_owner);

// Pairs `device` (state in `state`) with `new_owner`.
// - Not paired: `transfer` must be absent; records the owner.
// - Paired: `transfer` must be the current owner's signature over
//   ownership_transfer_statement(device, new_owner); records the new owner and removes the
//   policy in force.
// Errors: kFailedPrecondition saying what to do (already paired and no signature; a signature
// given though not paired; the new owner is already the owner; the signature is not the current
// owner's), kMalformed for a signature that recovers no address, the state directory's errors.
[[nodiscard]] Result<void> pair_owner(const StateDirectory& state, const signing::Address& device,
                                      const signing::Address& new_owner,
                                      const std::optional<signing::Signature>& transfer);

}  // namespace autograph::policy
