#include "policy/policy_envelope.hpp"

#include <nlohmann/json.hpp>

#include "json/json_object_reader.hpp"
#include "json/strict_json_parser.hpp"
#include "policy/policy_parser.hpp"

namespace autograph::policy {

Result<PolicyEnvelope> parse_policy_envelope(std::string_view text, std::string_view source) {
  // A document escaped as a JSON string grows by at most 6x (\u00XX); allow the worst case.
  auto document = json::parse_strict_json(
      text, source,
      json::StrictJsonLimits{.max_bytes = kMaxPolicyBytes * 6 + 1024, .max_depth = 2});
  if (!document) {
    return tl::unexpected(document.error());
  }
  try {
    const json::JsonObjectReader object(*document, "", {"policy", "signature"});
    return PolicyEnvelope{.policy = object.string("policy"),
                          .signature = object.string("signature")};
  } catch (const json::SchemaError& error) {
    return fail(ErrorCode::kMalformed, "{}: {}", source, error.what());
  }
}

Result<std::string> make_policy_envelope(std::string_view policy_text,
                                         const signing::Signature& signature) {
  try {
    const nlohmann::json envelope = {{"policy", policy_text}, {"signature", signature.to_hex()}};
    return envelope.dump();
  } catch (const nlohmann::json::exception& error) {
    return fail(ErrorCode::kMalformed, "policy envelope: {}", error.what());
  }
}

std::string_view trim_signature_text(std::string_view text) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  const size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

}  // namespace autograph::policy
