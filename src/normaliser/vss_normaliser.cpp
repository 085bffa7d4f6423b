#include "normaliser/vss_normaliser.hpp"

#include <algorithm>
#include <cmath>

#include "autograph/check.hpp"

namespace autograph::normaliser {

VssNormaliser VssNormaliser::compile(const VssMapping& mapping,
                                     const std::vector<can::SignalInfo>& decoder_signals) {
  VssNormaliser normaliser;
  normaliser.vss_paths_ = mapping.vss_paths();
  normaliser.vss_units_ = mapping.vss_units();
  normaliser.ops_.resize(decoder_signals.size());
  for (size_t i = 0; i < decoder_signals.size(); ++i) {
    const can::SignalInfo& info = decoder_signals[i];
    auto entry = std::find_if(
        mapping.entries().begin(), mapping.entries().end(), [&](const MappingEntry& e) {
          return e.bus == info.bus && e.message_id == info.message_id && e.signal == info.name;
        });
    if (entry == mapping.entries().end()) {
      continue;
    }
    Op& op = normaliser.ops_[i];
    op.vss = entry->vss_signal;
    op.kind = entry->kind;
    op.scale = entry->scale;
    op.offset = entry->offset;
    if (entry->kind == ConversionKind::kMap) {
      // VssMapping bounds maps to 255 pairs each and 65535 in all.
      op.map_first = static_cast<uint16_t>(normaliser.map_keys_.size());
      op.map_count = static_cast<uint8_t>(entry->map.size());
      for (const auto& [key, value] : entry->map) {
        normaliser.map_keys_.push_back(key);
        normaliser.map_values_.push_back(value);
      }
    }
    ++normaliser.mapped_;
  }
  return normaliser;
}

std::optional<double> VssNormaliser::look_up(const Op& op,
                                             const can::Sample& sample) const noexcept {
  int64_t key = 0;
  switch (sample.kind) {
    case can::SampleKind::kSigned:
      key = sample.value.i64;
      break;
    case can::SampleKind::kUnsigned:
      if (sample.value.u64 > static_cast<uint64_t>(INT64_MAX)) {
        return std::nullopt;
      }
      key = static_cast<int64_t>(sample.value.u64);
      break;
    case can::SampleKind::kFloat: {
      // A DBC factor like 0.5 makes a lever position a double; only whole values can match.
      const double v = sample.value.f64;
      if (!(v >= -9.2e18 && v <= 9.2e18) || std::trunc(v) != v) {
        return std::nullopt;
      }
      key = static_cast<int64_t>(v);
      break;
    }
  }
  const int64_t* first = map_keys_.data() + op.map_first;
  const int64_t* last = first + op.map_count;
  const int64_t* it = std::lower_bound(first, last, key);
  if (it == last || *it != key) {
    return std::nullopt;
  }
  return map_values_[static_cast<size_t>(it - map_keys_.data())];
}

std::optional<VssSample> VssNormaliser::normalise(const can::Sample& sample) noexcept {
  AG_CHECK(sample.signal < ops_.size(), "sample of a signal beyond the decoder's table");
  const Op& op = ops_[sample.signal];
  if (op.vss == kUnmapped) {
    ++unmapped_signal_;
    return std::nullopt;
  }
  if (op.kind == ConversionKind::kLinear) {
    return VssSample{op.vss, sample.t_ns, sample.as_double() * op.scale + op.offset};
  }
  std::optional<double> value = look_up(op, sample);
  if (!value) {
    ++unmapped_value_;
    return std::nullopt;
  }
  return VssSample{op.vss, sample.t_ns, *value};
}

size_t VssNormaliser::normalise(std::span<const can::Sample> in,
                                std::span<VssSample> out) noexcept {
  AG_CHECK(out.size() >= in.size(), "out must hold a VSS sample per input sample");
  size_t written = 0;
  for (const can::Sample& sample : in) {
    if (std::optional<VssSample> vss = normalise(sample)) {
      out[written++] = *vss;
    }
  }
  return written;
}

}  // namespace autograph::normaliser
