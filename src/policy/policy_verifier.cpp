#include "policy/policy_verifier.hpp"

#include <span>

#include <fmt/format.h>

#include "autograph/signing/eip191.hpp"
#include "policy/policy_envelope.hpp"
#include "policy/policy_parser.hpp"
#include "policy/rfc3339.hpp"

namespace autograph::policy {
namespace {

tl::unexpected<Refusal> refuse(RefusalReason reason, std::string message) {
  return tl::unexpected<Refusal>(Refusal{reason, std::move(message)});
}

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace

std::string_view to_string(RefusalReason reason) noexcept {
  switch (reason) {
    case RefusalReason::kNotPaired:
      return "not paired";
    case RefusalReason::kBadSignature:
      return "bad signature";
    case RefusalReason::kSignerNotOwner:
      return "signer is not the owner";
    case RefusalReason::kSchema:
      return "schema error";
    case RefusalReason::kDeviceMismatch:
      return "for another device";
    case RefusalReason::kNotNewer:
      return "version not newer";
    case RefusalReason::kNotYetValid:
      return "not yet valid";
    case RefusalReason::kExpired:
      return "expired";
    case RefusalReason::kStateUnavailable:
      return "state unavailable";
  }
  return "unknown";
}

Result<PolicyVerifier> PolicyVerifier::open(const StateDirectory& state,
                                            const signing::Address& device, const Clock& clock) {
  auto highest = state.read_highest_version();
  if (!highest) {
    return tl::unexpected(highest.error());
  }
  PolicyVerifier verifier(state, device, clock);
  verifier.load_in_force();
  return verifier;
}

void PolicyVerifier::load_in_force() {
  const std::string source = (state_->path() / "policy-in-force.json").string();
  auto stored = state_->read_policy_in_force();
  if (!stored) {
    load_refusal_ = Refusal{RefusalReason::kStateUnavailable, stored.error().message()};
    return;
  }
  if (!*stored) {
    return;
  }
  auto envelope = parse_policy_envelope(**stored, source);
  if (!envelope) {
    load_refusal_ = Refusal{RefusalReason::kSchema, envelope.error().message()};
    return;
  }
  auto verified = verify(envelope->policy, envelope->signature, source, VersionRule::kAtLeast);
  if (!verified) {
    load_refusal_ = verified.error();
    return;
  }
  // The policy was stored before its version (see apply); a crash between the two leaves the
  // version behind, so catch it up now.
  auto highest = state_->read_highest_version();
  if (highest && *highest < verified->policy.version) {
    if (auto written = state_->write_highest_version(verified->policy.version); !written) {
      load_refusal_ = Refusal{RefusalReason::kStateUnavailable, written.error().message()};
      return;
    }
  }
  in_force_ = std::move(*verified);
}

Verdict<signing::Signature> PolicyVerifier::verify_signer(std::string_view text,
                                                          std::string_view signature_hex,
                                                          std::string_view source) const {
  auto owner = state_->read_owner();
  if (!owner) {
    return refuse(RefusalReason::kStateUnavailable, owner.error().message());
  }
  if (!*owner) {
    return refuse(RefusalReason::kNotPaired,
                  fmt::format("{}: the device has no owner yet; pair it first "
                              "(autograph pair --owner 0xADDRESS)",
                              source));
  }
  const std::string_view trimmed = trim_signature_text(signature_hex);
  if (trimmed.empty()) {
    return refuse(RefusalReason::kBadSignature, fmt::format("{}: no signature", source));
  }
  auto signature = signing::Signature::parse_hex(trimmed);
  if (!signature) {
    return refuse(RefusalReason::kBadSignature,
                  fmt::format("{}: signature: {}", source, signature.error().message()));
  }
  auto signer = signing::recover_message_signer(bytes_of(text), *signature);
  if (!signer) {
    return refuse(RefusalReason::kBadSignature,
                  fmt::format("{}: signature: {}", source, signer.error().message()));
  }
  if (*signer != **owner) {
    return refuse(RefusalReason::kSignerNotOwner,
                  fmt::format("{}: signed by {}, not by the owner {} (another key signed it, or "
                              "the document changed after signing)",
                              source, signer->to_checksum_hex(), (*owner)->to_checksum_hex()));
  }
  return *signature;
}

Verdict<VerifiedPolicy> PolicyVerifier::verify(std::string_view text,
                                               std::string_view signature_hex,
                                               std::string_view source, VersionRule rule) const {
  auto signature = verify_signer(text, signature_hex, source);
  if (!signature) {
    return tl::unexpected(signature.error());
  }
  auto policy = parse_policy(text, source);
  if (!policy) {
    return refuse(RefusalReason::kSchema, policy.error().message());
  }
  if (policy->device != device_) {
    return refuse(RefusalReason::kDeviceMismatch,
                  fmt::format("{}: for device {}, but this device is {}", source,
                              policy->device.to_checksum_hex(), device_.to_checksum_hex()));
  }
  auto highest = state_->read_highest_version();
  if (!highest) {
    return refuse(RefusalReason::kStateUnavailable, highest.error().message());
  }
  const bool newer =
      rule == VersionRule::kGreater ? policy->version > *highest : policy->version >= *highest;
  if (!newer) {
    return refuse(RefusalReason::kNotNewer,
                  fmt::format("{}: version {} is not newer than version {}, the highest accepted "
                              "on this device",
                              source, policy->version, *highest));
  }
  const int64_t now = clock_->now_unix_ms();
  if (now < policy->issued_ms) {
    return refuse(RefusalReason::kNotYetValid,
                  fmt::format("{}: valid from {}, but it is now {}", source,
                              format_rfc3339_utc(policy->issued_ms), format_rfc3339_utc(now)));
  }
  if (now >= policy->expires_ms) {
    return refuse(RefusalReason::kExpired,
                  fmt::format("{}: expired at {}; it is now {}", source,
                              format_rfc3339_utc(policy->expires_ms), format_rfc3339_utc(now)));
  }
  return VerifiedPolicy{.policy = std::move(*policy),
                        .text = std::string(text),
                        .signature = *signature,
                        .hash = signing::keccak256(bytes_of(text))};
}

Verdict<VerifiedPolicy> PolicyVerifier::check(std::string_view text, std::string_view signature_hex,
                                              std::string_view source) const {
  return verify(text, signature_hex, source, VersionRule::kGreater);
}

Verdict<const VerifiedPolicy*> PolicyVerifier::apply(std::string_view text,
                                                     std::string_view signature_hex,
                                                     std::string_view source) {
  auto verified = verify(text, signature_hex, source, VersionRule::kGreater);
  if (!verified) {
    return tl::unexpected(verified.error());
  }
  auto envelope = make_policy_envelope(verified->text, verified->signature);
  if (!envelope) {
    return refuse(RefusalReason::kSchema, envelope.error().message());
  }
  // Policy first, then version: a crash between leaves the new policy with an old version on
  // record, which open() catches up; the other order would leave no loadable policy.
  if (auto stored = state_->write_policy_in_force(*envelope); !stored) {
    return refuse(RefusalReason::kStateUnavailable, stored.error().message());
  }
  if (auto stored = state_->write_highest_version(verified->policy.version); !stored) {
    return refuse(RefusalReason::kStateUnavailable, stored.error().message());
  }
  in_force_ = std::move(*verified);
  return &*in_force_;
}

Verdict<const VerifiedPolicy*> PolicyVerifier::apply_envelope(std::string_view envelope,
                                                              std::string_view source) {
  auto parsed = parse_policy_envelope(envelope, source);
  if (!parsed) {
    const bool no_signature = parsed.error().message().find(": signature: ") != std::string::npos;
    return refuse(no_signature ? RefusalReason::kBadSignature : RefusalReason::kSchema,
                  parsed.error().message());
  }
  return apply(parsed->policy, parsed->signature, source);
}

std::optional<Refusal> PolicyVerifier::expire_if_due() {
  if (!in_force_ || clock_->now_unix_ms() < in_force_->policy.expires_ms) {
    return std::nullopt;
  }
  Refusal refusal{RefusalReason::kExpired,
                  fmt::format("policy version {} expired at {}", in_force_->policy.version,
                              format_rfc3339_utc(in_force_->policy.expires_ms))};
  in_force_.reset();
  return refusal;
}

}  // namespace autograph::policy
