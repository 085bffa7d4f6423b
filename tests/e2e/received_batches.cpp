#include "e2e/received_batches.hpp"

#include <algorithm>
#include <sstream>

namespace autograph::e2e {

ReceivedBatches ReceivedBatches::parse(const std::string& text) {
  ReceivedBatches out;
  std::map<uint64_t, nlohmann::json> data_by_seq;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      continue;
    }
    out.lines.push_back(parsed);
    if (parsed["verified"] != true || parsed["chain"] == "duplicate" ||
        parsed["type"] != "autograph.signals.v1") {
      continue;
    }
    const uint64_t seq = parsed["seq"].get<uint64_t>();
    out.seqs.push_back(seq);
    data_by_seq[seq] = nlohmann::json::parse(parsed["data"].get<std::string>());
  }
  for (const auto& [seq, data] : data_by_seq) {
    out.boot_by_seq[seq] = data["boot"].get<std::string>();
    out.policy_by_seq[seq] = data["policy"].get<std::string>();
    const int64_t from = data["from"].get<int64_t>();
    for (const auto& [path, samples] : data["signals"].items()) {
      for (const auto& sample : samples) {
        out.samples[path].push_back({from + sample[0].get<int64_t>(), sample[1].get<double>()});
      }
    }
  }
  std::sort(out.seqs.begin(), out.seqs.end());
  return out;
}

}  // namespace autograph::e2e
