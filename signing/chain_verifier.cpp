#include "autograph/signing/chain_verifier.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "autograph/signing/hex.hpp"

namespace autograph::signing {
namespace {

std::string chain_name(const std::array<uint8_t, 20>& signer, const std::string& stream) {
  return fmt::format("{}/{}", Address{signer}.to_checksum_hex(), stream);
}

}  // namespace

void ChainVerifier::add(const VerifiedEnvelope& envelope) {
  const auto key = std::make_tuple(envelope.signer.bytes, envelope.stream);
  const bool new_chain = chains_.find(key) == chains_.end();
  Chain& chain = chains_[key];
  const std::string name = chain_name(envelope.signer.bytes, envelope.stream);
  const auto existing = chain.batches.find(envelope.seq);
  if (existing != chain.batches.end()) {
    if (existing->second.data_hash == envelope.data_hash) {
      arrival_findings_.push_back({ChainFinding::Kind::kDuplicate, name, envelope.seq,
                                   fmt::format("seq {} received again (same data)", envelope.seq)});
    } else {
      arrival_findings_.push_back(
          {ChainFinding::Kind::kFork, name, envelope.seq,
           fmt::format("fork at seq {}: two different batches (data keccak256 {} and {})",
                       envelope.seq, to_0x_hex(existing->second.data_hash),
                       to_0x_hex(envelope.data_hash))});
    }
    return;
  }
  if (!new_chain && envelope.seq < chain.highest) {
    arrival_findings_.push_back(
        {ChainFinding::Kind::kReordered, name, envelope.seq,
         fmt::format("seq {} arrived after seq {}", envelope.seq, chain.highest)});
  }
  chain.batches.emplace(envelope.seq, Batch{envelope.data_hash, envelope.prev});
  chain.highest = new_chain ? envelope.seq : std::max(chain.highest, envelope.seq);
}

std::vector<ChainFinding> ChainVerifier::findings() const {
  std::vector<ChainFinding> out = arrival_findings_;
  for (const auto& [key, chain] : chains_) {
    const std::string name = chain_name(std::get<0>(key), std::get<1>(key));
    const auto first = chain.batches.begin();
    if (first != chain.batches.end() && first->first == 0 && first->second.prev != Hash256{}) {
      out.push_back({ChainFinding::Kind::kPrevMismatch, name, 0,
                     fmt::format("seq 0 has prev {}; the first batch of a stream has zeros",
                                 to_0x_hex(first->second.prev))});
    }
    for (auto it = chain.batches.begin(); it != chain.batches.end(); ++it) {
      const auto next = std::next(it);
      if (next == chain.batches.end()) {
        break;
      }
      if (next->first != it->first + 1) {
        const uint64_t from = it->first + 1;
        const uint64_t to = next->first - 1;
        out.push_back({ChainFinding::Kind::kGap, name, from,
                       from == to ? fmt::format("seq {} missing between {} and {}", from, it->first,
                                                next->first)
                                  : fmt::format("seq {}..{} missing between {} and {}", from, to,
                                                it->first, next->first)});
      } else if (next->second.prev != it->second.data_hash) {
        out.push_back({ChainFinding::Kind::kPrevMismatch, name, next->first,
                       fmt::format("seq {} has prev {}, but keccak256 of seq {}'s data is {}",
                                   next->first, to_0x_hex(next->second.prev), it->first,
                                   to_0x_hex(it->second.data_hash))});
      }
    }
  }
  return out;
}

size_t ChainVerifier::batch_count() const noexcept {
  size_t count = 0;
  for (const auto& [key, chain] : chains_) {
    count += chain.batches.size();
  }
  return count;
}

}  // namespace autograph::signing
