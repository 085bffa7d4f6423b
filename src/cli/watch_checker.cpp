#include "cli/watch_checker.hpp"

#include <utility>

#include "autograph/signing/json_scanner.hpp"

namespace autograph::cli {
namespace {

ChainStatus status_of(signing::ChainFinding::Kind kind) {
  switch (kind) {
    case signing::ChainFinding::Kind::kGap:
      return ChainStatus::kGap;
    case signing::ChainFinding::Kind::kFork:
      return ChainStatus::kFork;
    case signing::ChainFinding::Kind::kPrevMismatch:
      return ChainStatus::kPrevMismatch;
    case signing::ChainFinding::Kind::kReordered:
      return ChainStatus::kReordered;
    case signing::ChainFinding::Kind::kDuplicate:
      return ChainStatus::kDuplicate;
  }
  return ChainStatus::kOk;
}

// Errors outrank warnings, so a reordered batch that also reveals a gap reads as a gap.
int severity(ChainStatus status) {
  switch (status) {
    case ChainStatus::kFork:
    case ChainStatus::kPrevMismatch:
    case ChainStatus::kGap:
      return 2;
    case ChainStatus::kReordered:
    case ChainStatus::kDuplicate:
      return 1;
    default:
      return 0;
  }
}

// The signature member of an envelope that verified (so it has exactly one, a string).
std::string signature_of(std::string_view payload) {
  auto members = signing::scan_json_object(payload);
  if (members) {
    for (const signing::JsonMember& member : *members) {
      if (member.name == "signature") {
        auto text = signing::decode_json_string(member.raw);
        return text ? *text : std::string();
      }
    }
  }
  return {};
}

}  // namespace

std::string_view to_string(ChainStatus status) noexcept {
  switch (status) {
    case ChainStatus::kOk:
      return "ok";
    case ChainStatus::kDuplicate:
      return "duplicate";
    case ChainStatus::kReordered:
      return "reordered";
    case ChainStatus::kGap:
      return "gap";
    case ChainStatus::kFork:
      return "fork";
    case ChainStatus::kPrevMismatch:
      return "prev-mismatch";
    case ChainStatus::kUnchecked:
      return "unchecked";
  }
  return "unchecked";
}

bool CheckedMessage::is_failure() const noexcept { return !verified() || severity(chain) == 2; }

CheckedMessage WatchChecker::check(std::string_view payload) {
  CheckedMessage out;
  auto verified = signing::verify_envelope(payload, expected_);
  if (!verified) {
    out.error = verified.error().message();
    ++messages_;
    ++failures_;
    return out;
  }
  out.envelope = std::move(*verified);
  out.signature = signature_of(payload);
  const signing::VerifiedEnvelope& envelope = *out.envelope;
  auto& seqs = seen_[StreamKey{envelope.signer.bytes, envelope.stream}];
  const auto same_seq = seqs.find(envelope.seq);
  if (same_seq != seqs.end() && same_seq->second == envelope.data_hash) {
    out.chain = ChainStatus::kDuplicate;
    out.chain_messages.push_back("seq " + std::to_string(envelope.seq) + " received again");
    return out;
  }
  seqs.emplace(envelope.seq, envelope.data_hash);
  chains_.add(envelope);
  ++messages_;
  out.chain = ChainStatus::kOk;
  // findings() is recomputed over every batch held; a watch session holds thousands at most.
  for (const signing::ChainFinding& finding : chains_.findings()) {
    FindingKey key{static_cast<int>(finding.kind), finding.stream, finding.seq, finding.message};
    if (!reported_.insert(std::move(key)).second) {
      continue;
    }
    const ChainStatus status = status_of(finding.kind);
    if (severity(status) > severity(out.chain)) {
      out.chain = status;
    }
    out.chain_messages.push_back(finding.stream + ": " + finding.message);
  }
  failures_ += out.is_failure() ? 1 : 0;
  return out;
}

}  // namespace autograph::cli
