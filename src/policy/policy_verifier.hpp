// PolicyVerifier: decides whether a policy document may take effect, and keeps the one in force.
//
// A document takes effect only if all of these hold, checked in this order, each failure its own
// RefusalReason:
//   1. the device is paired (the state directory names an owner)           kNotPaired
//   2. the signature is well formed and recovers an address                kBadSignature
//      (EIP-191 personal_sign over the document's exact bytes)
//   3. that address is the paired owner                                     kSignerNotOwner
//   4. the document is a valid policy (policy_parser.hpp)                   kSchema
//   5. its `device` is this device                                          kDeviceMismatch
//   6. its `version` is greater than the highest ever accepted here         kNotNewer
//   7. now >= issued                                                        kNotYetValid
//   8. now < expires                                                        kExpired
// and the state directory can be read and written (kStateUnavailable otherwise). On any refusal
// nothing changes: the policy in force stays in force.
//
// A changed byte and a signature by another key look the same to step 3 (recovery yields some
// address that is not the owner's); the message names the address recovered, so a person can
// tell a known other signer from damage.
//
// The highest version is persisted before apply() returns, so a restart cannot reopen rollback.
// At open() the stored policy in force is verified again (steps 1-5, 7, 8, and its version must be
// at least the highest recorded); one that no longer passes (expired while off, owner changed,
// state damaged) is not put in force, and load_refusal() says why.
//
// Thread: one owner (the reactor thread, or a CLI command). The StateDirectory and Clock passed
// to open() must outlive the verifier.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/keccak256.hpp"
#include "autograph/signing/signature.hpp"
#include "policy/clock.hpp"
#include "policy/policy.hpp"
#include "policy/state_directory.hpp"

namespace autograph::policy {

enum class RefusalReason : uint8_t {
  kNotPaired,
  kBadSignature,
  kSignerNotOwner,
  kSchema,
  kDeviceMismatch,
  kNotNewer,
  kNotYetValid,
  kExpired,
  kStateUnavailable,
};

// A short name for logs and tests ("bad signature", "signer is not the owner", ...).
std::string_view to_string(RefusalReason reason) noexcept;

struct Refusal {
  RefusalReason reason;
  std::string message;  // what was wrong, naming the document, addresses, versions or times
};

struct VerifiedPolicy {
  Policy policy;
  std::string text;              // the exact bytes that were signed
  signing::Signature signature;  // the owner's signature over them
  signing::Hash256 hash{};       // keccak256(text): the `policy` field of every batch
};

template <typename T>
using Verdict = tl::expected<T, Refusal>;

class PolicyVerifier {
 public:
  // A verifier for `device` over `state`, loading the stored policy in force if there is one
  // and it still verifies. Errors only when the state directory cannot be read (kUnavailable,
  // kDataLoss); a stored policy that fails verification is a load_refusal(), not an error.
  [[nodiscard]] static Result<PolicyVerifier> open(const StateDirectory& state,
                                                   const signing::Address& device,
                                                   const Clock& clock);

  // Verifies `text` (named `source` in messages) with the signature text `signature_hex`
  // ("0x" + 130 hex digits; surrounding whitespace ignored). Changes nothing.
  [[nodiscard]] Verdict<VerifiedPolicy> check(std::string_view text, std::string_view signature_hex,
                                              std::string_view source) const;

  // check(), then installs the policy: stores it with its signature and its version as the
  // highest seen (both durable on return), and puts it in force. Returns the policy now in force.
  [[nodiscard]] Verdict<const VerifiedPolicy*> apply(std::string_view text,
                                                     std::string_view signature_hex,
                                                     std::string_view source);

  // apply() for a policy envelope (policy_envelope.hpp), as received on the policy topic.
  // A malformed envelope is kBadSignature when the signature is missing, else kSchema.
  [[nodiscard]] Verdict<const VerifiedPolicy*> apply_envelope(std::string_view envelope,
                                                              std::string_view source);

  // Takes the policy in force out of force once it has expired; call it from a timer. Returns
  // the refusal (kExpired) when it did, nullopt otherwise.
  std::optional<Refusal> expire_if_due();

  // The policy in force, or nullptr when there is none. Valid until the next apply*() or
  // expire_if_due() that changes it.
  const VerifiedPolicy* in_force() const noexcept { return in_force_ ? &*in_force_ : nullptr; }

  // Why the stored policy was not put in force at open(), if it was not.
  const std::optional<Refusal>& load_refusal() const noexcept { return load_refusal_; }

 private:
  enum class VersionRule : uint8_t { kGreater, kAtLeast };

  PolicyVerifier(const StateDirectory& state, const signing::Address& device, const Clock& clock)
      : state_(&state), device_(device), clock_(&clock) {}

  [[nodiscard]] Verdict<VerifiedPolicy> verify(std::string_view text,
                                               std::string_view signature_hex,
                                               std::string_view source, VersionRule rule) const;
  [[nodiscard]] Verdict<signing::Signature> verify_signer(std::string_view text,
                                                          std::string_view signature_hex,
                                                          std::string_view source) const;
  void load_in_force();

  const StateDirectory* state_;
  signing::Address device_;
  const Clock* clock_;
  std::optional<VerifiedPolicy> in_force_;
  std::optional<Refusal> load_refusal_;
};

}  // namespace autograph::policy
