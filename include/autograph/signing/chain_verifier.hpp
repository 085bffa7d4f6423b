// ChainVerifier: checks the chain of verified envelopes per stream (signer address + stream
// name): seq numbers without gaps, each `prev` equal to keccak256 of the previous batch's data,
// and no two different batches with one seq.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "autograph/signing/address.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "autograph/signing/keccak256.hpp"

namespace autograph::signing {

struct ChainFinding {
  enum class Kind {
    kGap,           // seqs missing between two received batches (error)
    kFork,          // two different batches with the same seq (error)
    kPrevMismatch,  // a batch's prev is not the hash of the batch before it (error)
    kReordered,     // a batch arrived after a later one (warning: transports reorder)
    kDuplicate,     // the same batch again (warning: QoS 1 delivers at least once)
  };
  Kind kind;
  std::string stream;   // "<signer address>/<stream name>"
  uint64_t seq;         // the batch the finding is about (the first missing one for a gap)
  std::string message;  // names the seqs involved, e.g. "seq 5..6 missing between 4 and 7"

  // Gaps, forks and prev mismatches are errors; reordering and duplicates are warnings.
  bool is_error() const noexcept {
    return kind == Kind::kGap || kind == Kind::kFork || kind == Kind::kPrevMismatch;
  }
};

// Feed envelopes in arrival order with add(); ask findings() at any time. A chain may start at
// any seq (a receiver may join late); seq 0 must have prev = zeros. Single-threaded.
class ChainVerifier {
 public:
  // Records one verified envelope; reports a duplicate, fork or reordering at once.
  void add(const VerifiedEnvelope& envelope);

  // Returns the findings so far: those found by add() in arrival order, then per stream the gaps
  // and prev mismatches over all seqs received (a gap later filled by a late batch is no gap).
  std::vector<ChainFinding> findings() const;

  // Number of streams seen and of distinct batches received.
  size_t stream_count() const noexcept { return chains_.size(); }
  size_t batch_count() const noexcept;

 private:
  struct Batch {
    Hash256 data_hash;
    Hash256 prev;
  };
  struct Chain {
    std::map<uint64_t, Batch> batches;
    uint64_t highest = 0;
  };
  // Keyed by (signer, stream name); the name shown is "<address>/<stream>".
  std::map<std::tuple<std::array<uint8_t, 20>, std::string>, Chain> chains_;
  std::vector<ChainFinding> arrival_findings_;
};

}  // namespace autograph::signing
