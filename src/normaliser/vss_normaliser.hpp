// VssNormaliser: decoded DBC samples -> VSS samples, through a VssMapping compiled against one
// Decoder's signal table.
//
// compile() turns the mapping into one small op per decoder signal (VSS id, conversion kind,
// scale and offset, or a slice of one flat table of value-map pairs), so normalise() is an array
// index, a multiply-add (binary64; this library is built with -ffp-contract=off, so the result
// is value * scale + offset rounded twice, as the tests compute it) or a binary search in a few
// pairs. No allocation, lock, virtual call, exception or logging per sample.
//
// Nothing is dropped silently: samples of decoder signals that no entry maps are counted in
// unmapped_signal(); values a `map` has no entry for (or non-integral values given to a map) are
// counted in unmapped_value().
//
// Thread: one normaliser belongs to the thread that decodes (the reactor); normalise() updates
// its counters. Compile a new one on any thread and hand it over whole, with its decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/decoder_plan.hpp"
#include "autograph/can/sample.hpp"
#include "normaliser/vss_mapping.hpp"
#include "normaliser/vss_sample.hpp"

namespace autograph::normaliser {

class VssNormaliser {
 public:
  // Compiles `mapping` for a decoder whose signal table is `decoder_signals` (Decoder::signals()).
  // Decoder signals no entry names produce nothing; entries whose DBC signal the decoder does not
  // decode (a decoder narrowed by needed_signals()) are simply never used. VSS ids and paths are
  // the mapping's, whatever the decoder selects. Never fails: the mapping was checked against
  // the DBCs when it was loaded.
  static VssNormaliser compile(const VssMapping& mapping,
                               const std::vector<can::SignalInfo>& decoder_signals);

  // The VSS value of `sample` (whose signal indexes the decoder's table the normaliser was
  // compiled for; aborts beyond it), with the sample's time; nullopt when the signal is not
  // mapped or a map has no entry for the value (both counted).
  std::optional<VssSample> normalise(const can::Sample& sample) noexcept;

  // The same for a batch: writes the VSS samples of `in` to `out` from index 0, in order, and
  // returns how many. `out.size()` must be at least `in.size()` (aborts otherwise).
  size_t normalise(std::span<const can::Sample> in, std::span<VssSample> out) noexcept;

  // VSS paths and units by VSS signal id (copies of the mapping's).
  const std::vector<std::string>& vss_paths() const noexcept { return vss_paths_; }
  const std::vector<std::string>& vss_units() const noexcept { return vss_units_; }

  // The VSS signal id that decoder signal `decoder_signal` feeds, or nullopt when it feeds none
  // (also for an index beyond the decoder's table). For the kernel filters: which CAN messages
  // a set of VSS signals needs.
  std::optional<uint32_t> vss_id_of(size_t decoder_signal) const noexcept {
    if (decoder_signal >= ops_.size() || ops_[decoder_signal].vss == kUnmapped) {
      return std::nullopt;
    }
    return ops_[decoder_signal].vss;
  }

  // How many decoder signals have a mapping.
  size_t mapped_signals() const noexcept { return mapped_; }
  // Samples dropped because their decoder signal has no mapping.
  uint64_t unmapped_signal() const noexcept { return unmapped_signal_; }
  // Samples dropped because their value is not in the entry's map.
  uint64_t unmapped_value() const noexcept { return unmapped_value_; }

 private:
  static constexpr uint32_t kUnmapped = 0xFFFFFFFFu;

  // One per decoder signal; 24 bytes so that a cache line holds more than two.
  struct Op {
    double scale = 1.0;  // kLinear
    double offset = 0.0;
    uint32_t vss = kUnmapped;
    uint16_t map_first = 0;  // kMap: pairs [map_first, map_first + map_count) of map_keys_
    uint8_t map_count = 0;
    ConversionKind kind = ConversionKind::kLinear;
  };
  static_assert(sizeof(Op) == 24);

  // The VSS value of a kMap op, or nullopt when the value is not an integer in the map.
  std::optional<double> look_up(const Op& op, const can::Sample& sample) const noexcept;

  std::vector<Op> ops_;             // by decoder signal index
  std::vector<int64_t> map_keys_;   // every map's keys, each map sorted
  std::vector<double> map_values_;  // parallel to map_keys_
  std::vector<std::string> vss_paths_;
  std::vector<std::string> vss_units_;
  size_t mapped_ = 0;
  uint64_t unmapped_signal_ = 0;
  uint64_t unmapped_value_ = 0;
};

}  // namespace autograph::normaliser
