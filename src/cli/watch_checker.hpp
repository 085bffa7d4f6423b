// WatchChecker: what `autograph watch` concludes about each received message, in arrival order:
// does the envelope verify, and where does it sit in its stream's chain.
//
// A QoS 1 subscriber receives some messages twice (a resend after a lost PUBACK); those are
// recognised by (signer, stream, seq) and identical data, reported as duplicates and kept out of
// the counts. Everything else goes through signing::ChainVerifier, and the findings that a
// message brings to light (a gap before it, a fork, a wrong prev, a reordering) are attributed
// to that message.
//
// Thread: one thread (the watch loop).
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "autograph/signing/address.hpp"
#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"

namespace autograph::cli {

// Where a message sits in its chain, as watch prints it.
enum class ChainStatus {
  kOk,            // next in line, or the first message seen of its stream
  kDuplicate,     // the same batch again (QoS 1); dropped
  kReordered,     // arrived after a later seq (a warning: the chain may still close)
  kGap,           // seqs before it are missing (error)
  kFork,          // another batch with the same seq was seen (error)
  kPrevMismatch,  // its prev is not the hash of the batch before it (error)
  kUnchecked,     // the envelope did not verify, so it has no place in a chain
};

// "ok", "duplicate", "reordered", "gap", "fork", "prev-mismatch", "unchecked".
std::string_view to_string(ChainStatus status) noexcept;

struct CheckedMessage {
  std::optional<signing::VerifiedEnvelope> envelope;  // set when the signature verified
  std::string error;                                  // why it did not verify, else empty
  std::string signature;  // the envelope's "0x..." signature when verified (for other verifiers)
  ChainStatus chain = ChainStatus::kUnchecked;
  std::vector<std::string> chain_messages;  // the findings this message brought, in words

  bool verified() const noexcept { return envelope.has_value(); }
  // A failed verification or a chain error: watch exits 1 after one of these.
  bool is_failure() const noexcept;
};

class WatchChecker {
 public:
  // `expected`: the device address every envelope must be signed by (--device), if given.
  explicit WatchChecker(std::optional<signing::Address> expected) : expected_(expected) {}

  // Verifies `payload` (one envelope) and places it in its chain.
  CheckedMessage check(std::string_view payload);

  // Distinct messages so far (duplicates not counted), and how many of them were failures.
  size_t messages() const noexcept { return messages_; }
  size_t failures() const noexcept { return failures_; }

 private:
  using StreamKey = std::tuple<std::array<uint8_t, 20>, std::string>;
  using FindingKey = std::tuple<int, std::string, uint64_t, std::string>;

  std::optional<signing::Address> expected_;
  signing::ChainVerifier chains_;
  std::map<StreamKey, std::map<uint64_t, signing::Hash256>> seen_;  // data hash by seq
  std::set<FindingKey> reported_;  // findings already attributed to a message
  size_t messages_ = 0;
  size_t failures_ = 0;
};

}  // namespace autograph::cli
