// ReceivedBatches: what one `autograph watch --jsonl` subscriber printed, read back: every line,
// and the signal samples of the verified signal batches per VSS path, in seq order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace autograph::e2e {

struct ReceivedSample {
  int64_t t_ms = 0;  // Unix epoch milliseconds (batch `from` + offset)
  double value = 0.0;
};

struct ReceivedBatches {
  std::vector<nlohmann::json> lines;  // every JSON line, in arrival order
  std::vector<uint64_t> seqs;         // seqs of the signal batches that are not duplicates
  std::map<std::string, std::vector<ReceivedSample>> samples;  // by VSS path, in seq order
  std::map<uint64_t, std::string> boot_by_seq;                 // data.boot of each batch
  std::map<uint64_t, std::string> policy_by_seq;               // data.policy of each batch

  // Reads the watch output `text`; lines that are not JSON objects (none expected) are kept
  // out. Duplicate lines (chain "duplicate") are skipped for seqs and samples.
  static ReceivedBatches parse(const std::string& text);
};

}  // namespace autograph::e2e
