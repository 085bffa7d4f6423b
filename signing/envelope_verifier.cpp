#include "autograph/signing/envelope_verifier.hpp"

#include <algorithm>
#include <span>
#include <utility>

#include "autograph/signing/hex.hpp"
#include "autograph/signing/json_scanner.hpp"
#include "autograph/signing/signature.hpp"

namespace autograph::signing {
namespace {

const JsonMember* find_member(const std::vector<JsonMember>& members, std::string_view name) {
  const auto it = std::find_if(members.begin(), members.end(),
                               [&](const JsonMember& m) { return m.name == name; });
  return it == members.end() ? nullptr : &*it;
}

Result<std::string> string_member(const std::vector<JsonMember>& members, std::string_view where,
                                  std::string_view name) {
  const JsonMember* member = find_member(members, name);
  if (member == nullptr) {
    return fail(ErrorCode::kMalformed, "{}: missing member '{}'", where, name);
  }
  if (member->kind != JsonKind::kString) {
    return fail(ErrorCode::kMalformed, "{}: member '{}' must be a string, not {}", where, name,
                to_string(member->kind));
  }
  auto value = decode_json_string(member->raw);
  if (!value) {
    return tl::unexpected(value.error().with_context(fmt::format("{}: '{}'", where, name)));
  }
  return value;
}

Result<uint64_t> uint_member(const std::vector<JsonMember>& members, std::string_view where,
                             std::string_view name) {
  const JsonMember* member = find_member(members, name);
  if (member == nullptr) {
    return fail(ErrorCode::kMalformed, "{}: missing member '{}'", where, name);
  }
  auto value =
      member->kind == JsonKind::kNumber
          ? parse_json_uint(member->raw)
          : fail(ErrorCode::kMalformed, "must be a number, not {}", to_string(member->kind));
  if (!value) {
    return tl::unexpected(value.error().with_context(fmt::format("{}: '{}'", where, name)));
  }
  return value;
}

Result<Hash256> hash_member(const std::vector<JsonMember>& members, std::string_view name) {
  auto text = string_member(members, "data", name);
  if (!text) {
    return tl::unexpected(text.error());
  }
  Hash256 hash{};
  if (text->size() != 66 || (*text)[0] != '0' || (*text)[1] != 'x') {
    return fail(ErrorCode::kMalformed, "data: '{}' must be 0x followed by 64 hex digits", name);
  }
  if (auto decoded =
          decode_hex(std::string_view(*text).substr(2), hash, fmt::format("data: '{}'", name));
      !decoded) {
    return tl::unexpected(decoded.error());
  }
  return hash;
}

// Reads the signed fields of `data` into `out`.
Result<void> read_data(std::string_view data, VerifiedEnvelope& out) {
  auto members = scan_json_object(data);
  if (!members) {
    return tl::unexpected(members.error().with_context("data"));
  }
  auto version = uint_member(*members, "data", "v");
  if (!version) {
    return tl::unexpected(version.error());
  }
  if (*version != 1) {
    return fail(ErrorCode::kMalformed, "data: 'v' is {}; this verifier knows version 1", *version);
  }
  auto stream = string_member(*members, "data", "stream");
  auto seq = uint_member(*members, "data", "seq");
  auto boot = string_member(*members, "data", "boot");
  auto prev = hash_member(*members, "prev");
  auto policy = hash_member(*members, "policy");
  for (const Error* error : {stream ? nullptr : &stream.error(), seq ? nullptr : &seq.error(),
                             boot ? nullptr : &boot.error(), prev ? nullptr : &prev.error(),
                             policy ? nullptr : &policy.error()}) {
    if (error != nullptr) {
      return tl::unexpected(*error);
    }
  }
  out.stream = std::move(*stream);
  out.seq = *seq;
  out.boot = std::move(*boot);
  out.prev = *prev;
  out.policy = *policy;
  return {};
}

// Checks id == "<signer address, 0x optional>:<boot>:<seq>".
Result<void> check_id(const VerifiedEnvelope& envelope) {
  const std::string_view id = envelope.id;
  const size_t first = id.find(':');
  const size_t last = id.rfind(':');
  if (first == std::string_view::npos || first == last) {
    return fail(ErrorCode::kMalformed, "id '{}' is not <address>:<boot>:<seq>", id);
  }
  std::string address_text(id.substr(0, first));
  if (address_text.rfind("0x", 0) != 0) {
    address_text.insert(0, "0x");
  }
  auto address = Address::parse(address_text);
  if (!address || *address != envelope.signer) {
    return fail(ErrorCode::kMalformed, "id '{}' does not start with the signer's address {}", id,
                envelope.signer.to_checksum_hex());
  }
  if (id.substr(first + 1, last - first - 1) != envelope.boot ||
      id.substr(last + 1) != std::to_string(envelope.seq)) {
    return fail(ErrorCode::kMalformed, "id '{}' does not match data boot '{}' and seq {}", id,
                envelope.boot, envelope.seq);
  }
  return {};
}

// Reads the CloudEvents attributes into `out` and checks the fixed ones; returns the subject and
// signature still as text for the caller to parse.
struct AttributeText {
  std::string subject;
  std::string signature;
};

Result<AttributeText> read_attributes(const std::vector<JsonMember>& members,
                                      VerifiedEnvelope& out) {
  std::string specversion, datacontenttype;
  AttributeText text;
  const std::pair<std::string_view, std::string*> wanted[] = {{"specversion", &specversion},
                                                              {"id", &out.id},
                                                              {"source", &out.source},
                                                              {"subject", &text.subject},
                                                              {"type", &out.type},
                                                              {"time", &out.time},
                                                              {"datacontenttype", &datacontenttype},
                                                              {"signature", &text.signature}};
  for (const auto& [name, destination] : wanted) {
    auto value = string_member(members, "envelope", name);
    if (!value) {
      return tl::unexpected(value.error());
    }
    *destination = std::move(*value);
  }
  if (specversion != "1.0") {
    return fail(ErrorCode::kMalformed, "envelope: 'specversion' must be \"1.0\"");
  }
  if (datacontenttype != "application/json") {
    return fail(ErrorCode::kMalformed, "envelope: 'datacontenttype' must be \"application/json\"");
  }
  return text;
}

}  // namespace

Result<VerifiedEnvelope> verify_envelope(std::string_view text, std::optional<Address> expected) {
  auto members = scan_json_object(text);
  if (!members) {
    return tl::unexpected(members.error().with_context("envelope"));
  }
  VerifiedEnvelope out;
  auto attributes = read_attributes(*members, out);
  if (!attributes) {
    return tl::unexpected(attributes.error());
  }
  const JsonMember* data = find_member(*members, "data");
  if (data == nullptr || data->kind != JsonKind::kObject) {
    return fail(ErrorCode::kMalformed, "envelope: 'data' must be present and a JSON object");
  }
  auto subject = Address::parse(attributes->subject);
  if (!subject) {
    return tl::unexpected(subject.error().with_context("envelope: 'subject'"));
  }
  auto signature = Signature::parse_hex(attributes->signature);
  if (!signature) {
    return tl::unexpected(signature.error().with_context("envelope: 'signature'"));
  }
  // The exact bytes between the member's ':' and the next ',' or '}', as they were signed.
  out.data = std::string(data->raw);
  out.data_hash =
      keccak256(std::span(reinterpret_cast<const uint8_t*>(out.data.data()), out.data.size()));
  auto signer = recover_address(out.data_hash, *signature);
  if (!signer) {
    return tl::unexpected(signer.error().with_context("envelope: 'signature'"));
  }
  if (*signer != *subject) {
    return fail(ErrorCode::kMalformed,
                "envelope: signature was made by {}, not by subject {} (data, signature or "
                "subject altered)",
                signer->to_checksum_hex(), subject->to_checksum_hex());
  }
  if (expected && *signer != *expected) {
    return fail(ErrorCode::kMalformed, "envelope: signed by {}, expected {}",
                signer->to_checksum_hex(), expected->to_checksum_hex());
  }
  out.signer = *signer;
  if (auto read = read_data(out.data, out); !read) {
    return tl::unexpected(read.error());
  }
  if (auto id = check_id(out); !id) {
    return tl::unexpected(id.error().with_context("envelope"));
  }
  return out;
}

}  // namespace autograph::signing
