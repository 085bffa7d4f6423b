// The policy envelope: a policy document and its owner signature in one JSON message, as the
// device receives a policy on its MQTT policy topic and as it keeps the policy in force:
//
//   {"policy": "<the document's exact text, as a JSON string>", "signature": "0x<130 hex>"}
//
// The signature is EIP-191 personal_sign over the UTF-8 bytes of the decoded `policy` string,
// the same bytes a detached `<file>.sig` signs. Both keys are required; any other key is an
// error (strict like the policy itself).
//
// Thread: pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "autograph/result.hpp"
#include "autograph/signing/signature.hpp"

namespace autograph::policy {

struct PolicyEnvelope {
  std::string policy;     // the document's exact bytes
  std::string signature;  // the signature text as given, checked by the verifier
};

// Parses an envelope. kMalformed naming `source` and the problem (syntax with line:column,
// unknown or missing key, wrong type).
[[nodiscard]] Result<PolicyEnvelope> parse_policy_envelope(std::string_view text,
                                                           std::string_view source);

// The envelope for `policy_text` signed by `signature`. kMalformed when `policy_text` is not
// valid UTF-8 (no policy that parses is).
[[nodiscard]] Result<std::string> make_policy_envelope(std::string_view policy_text,
                                                       const signing::Signature& signature);

// `text` (the content of a detached .sig file) with leading and trailing whitespace removed.
std::string_view trim_signature_text(std::string_view text) noexcept;

}  // namespace autograph::policy
