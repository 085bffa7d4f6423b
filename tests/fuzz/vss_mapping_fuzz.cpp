// Fuzzes the VSS mapping file loader against a small two-bus DBC, and normalises with every
// mapping it accepts: accepted mappings must be self-consistent, and normalising must stay in
// bounds for any decoded value.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "autograph/check.hpp"
#include "normaliser/vss_normaliser.hpp"

namespace {

using autograph::normaliser::VssMapping;
using autograph::normaliser::VssNormaliser;

constexpr std::string_view kDbc = R"(VERSION ""
BO_ 180 SPEED: 8 XXX
 SG_ SPEED : 7|16@0+ (0.01,0) [0|250] "kph" XXX
 SG_ TEMP : 16|8@1- (1,0) [-128|127] "degC" XXX
 SG_ GEAR : 24|4@1+ (1,0) [0|15] "" XXX
 SG_ HALF : 28|4@1+ (0.5,0) [0|7.5] "" XXX

BO_ 2566844672 EXT: 8 XXX
 SG_ PEDAL : 0|8@1+ (0.4,0) [0|100] "%" XXX
 SG_ BIG : 8|56@1+ (1,0) [0|0] "" XXX
)";

struct Fixture {
  std::vector<autograph::can::Database> buses;
  std::vector<std::string> names = {"can0", "can1"};
  Fixture() {
    for (int i = 0; i < 2; ++i) {
      auto db = autograph::can::parse_dbc(kDbc, "fuzz.dbc");
      AG_CHECK(db.has_value(), "fixture DBC must parse");
      buses.push_back(std::move(*db));
    }
  }
};

void check_accepted(const VssMapping& mapping, const Fixture& fixture) {
  AG_CHECK(mapping.vss_paths().size() == mapping.vss_units().size(), "one unit per path");
  for (const auto& entry : mapping.entries()) {
    AG_CHECK(entry.vss_signal < mapping.vss_paths().size(), "entry beyond the path table");
    AG_CHECK(entry.bus < fixture.names.size(), "entry on an unknown bus");
    AG_CHECK(std::isfinite(entry.scale) && std::isfinite(entry.offset), "non-finite transform");
    for (size_t i = 1; i < entry.map.size(); ++i) {
      AG_CHECK(entry.map[i - 1].first < entry.map[i].first, "map not sorted and unique");
    }
  }
  auto decoder = autograph::can::Decoder::compile(fixture.buses);
  AG_CHECK(decoder.has_value(), "fixture decoder must compile");
  VssNormaliser normaliser = VssNormaliser::compile(mapping, decoder->signals());
  const int64_t probes[] = {
      0, 1, -1, 5, 127, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  for (uint32_t signal = 0; signal < decoder->signals().size(); ++signal) {
    for (int64_t probe : probes) {
      autograph::can::Sample sample;
      sample.signal = signal;
      sample.kind = autograph::can::SampleKind::kSigned;
      sample.value.i64 = probe;
      if (auto vss = normaliser.normalise(sample)) {
        AG_CHECK(vss->signal < normaliser.vss_paths().size(), "VSS id beyond the table");
      }
      sample.kind = autograph::can::SampleKind::kFloat;
      sample.value.f64 = static_cast<double>(probe) / 2.0;
      (void)normaliser.normalise(sample);
      sample.kind = autograph::can::SampleKind::kUnsigned;
      sample.value.u64 = static_cast<uint64_t>(probe);
      (void)normaliser.normalise(sample);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mapping = VssMapping::parse(text, "fuzz.json", fixture.buses, fixture.names);
  if (mapping) {
    check_accepted(*mapping, fixture);
  } else {
    AG_CHECK(!mapping.error().message().empty(), "error without a message");
  }
  return 0;
}
