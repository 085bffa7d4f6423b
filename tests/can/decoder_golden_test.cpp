// The decoder against cantools 42.0.3's decodes of the real captures (GOLDEN.md): every frame,
// every signal, integers exactly and doubles bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "autograph/can/candump_line.hpp"
#include "autograph/can/decoder.hpp"
#include "can/decoder_capture_testing.hpp"

namespace autograph::can {
namespace {

struct GoldenTally {
  size_t frames = 0;
  size_t values = 0;
  size_t nulls = 0;
  size_t reference_errors = 0;
  size_t inexact = 0;  // doubles within 1e-9 relative but not bit-identical
  std::vector<std::string> mismatches;
};

// Compares one decoded value with its reference token; returns what differs, or "".
std::string compare_value(const Sample& sample, const nlohmann::json& want, GoldenTally& tally) {
  std::ostringstream got;
  got << (sample.kind == SampleKind::kUnsigned ? std::to_string(sample.value.u64)
          : sample.kind == SampleKind::kSigned ? std::to_string(sample.value.i64)
                                               : std::to_string(sample.value.f64));
  if (want.is_number_unsigned()) {
    const auto value = want.get<uint64_t>();
    const bool same = (sample.kind == SampleKind::kUnsigned && sample.value.u64 == value) ||
                      (sample.kind == SampleKind::kSigned && sample.value.i64 >= 0 &&
                       static_cast<uint64_t>(sample.value.i64) == value);
    return same ? "" : got.str() + " vs " + want.dump();
  }
  if (want.is_number_integer()) {
    const bool same = sample.kind == SampleKind::kSigned && sample.value.i64 == want.get<int64_t>();
    return same ? "" : got.str() + " vs " + want.dump();
  }
  const auto value = want.get<double>();
  if (sample.kind != SampleKind::kFloat) {
    return "integer " + got.str() + " vs float " + want.dump();
  }
  const double diff = std::fabs(sample.value.f64 - value);
  if (diff > 1e-9 * std::fabs(value)) {
    return got.str() + " vs " + want.dump();
  }
  tally.inexact += std::memcmp(&sample.value.f64, &value, sizeof value) == 0 ? 0 : 1;
  return "";
}

void compare_frame(Decoder& decoder, const CanFrame& frame, const nlohmann::json& want, size_t line,
                   GoldenTally& tally) {
  std::vector<Sample> out(decoder.max_samples_per_frame());
  const size_t count = decoder.decode(frame, out);
  auto mismatch = [&](const std::string& what) {
    tally.mismatches.push_back("line " + std::to_string(line) + ": " + what);
  };
  if (want.contains("error")) {
    ++tally.reference_errors;  // no reference; RAV4 0x411 is checked on its own below
    return;
  }
  const nlohmann::json& signals = want.at("signals");
  if (signals.is_null()) {
    ++tally.nulls;
    if (count != 0 || decoder.knows(frame.bus, frame.id)) {
      mismatch("decoded a frame the reference does not know");
    }
    return;
  }
  std::map<std::string, Sample> got;
  for (size_t i = 0; i < count; ++i) {
    got.emplace(decoder.signals()[out[i].signal].name, out[i]);
  }
  if (got.size() != signals.size() || !decoder.knows(frame.bus, frame.id)) {
    mismatch("decoded " + std::to_string(got.size()) + " signals, reference " +
             std::to_string(signals.size()));
    return;
  }
  for (const auto& [name, value] : signals.items()) {
    ++tally.values;
    const auto it = got.find(name);
    if (it == got.end()) {
      mismatch("missing " + name);
      continue;
    }
    if (const std::string diff = compare_value(it->second, value, tally); !diff.empty()) {
      mismatch(name + " = " + diff);
    }
  }
}

GoldenTally run_golden(const CaptureCase& capture, const std::string& expected_name) {
  GoldenTally tally;
  auto decoder = Decoder::compile(load_databases(capture));
  if (!decoder) {
    ADD_FAILURE() << decoder.error().message();
    return tally;
  }
  const std::vector<CanFrame> frames = load_frames(capture);
  const std::vector<std::string> lines = read_lines(capture.dir / expected_name);
  EXPECT_EQ(frames.size(), lines.size());
  for (size_t i = 0; i < frames.size() && i < lines.size(); ++i) {
    ++tally.frames;
    compare_frame(*decoder, frames[i], nlohmann::json::parse(lines[i]), i + 1, tally);
  }
  for (size_t i = 0; i < tally.mismatches.size() && i < 20; ++i) {
    ADD_FAILURE() << tally.mismatches[i];
  }
  EXPECT_EQ(tally.mismatches.size(), 0u);
  EXPECT_EQ(tally.inexact, 0u) << "doubles must equal cantools bit for bit";
  return tally;
}

TEST(DecoderGolden, MatchesCantoolsOnTheKonaCapture) {
  const GoldenTally tally = run_golden(kona_case(), "expected-cantools.jsonl");
  EXPECT_EQ(tally.frames, 39546u);
  EXPECT_EQ(tally.values, 229981u);
  EXPECT_EQ(tally.nulls, 8195u);
}

TEST(DecoderGolden, MatchesCantoolsOnTheRav4Capture) {
  const GoldenTally tally = run_golden(rav4_case(), "expected-cantools.jsonl");
  EXPECT_EQ(tally.frames, 78304u);
  EXPECT_EQ(tally.values, 279818u);
  EXPECT_EQ(tally.reference_errors, 37u);
}

TEST(DecoderGolden, MatchesCantoolsOnTheFordCaptureWithExact64BitValues) {
  const CaptureCase ford = ford_case();
  if (!std::filesystem::exists(ford.dir / "capture.log")) {
    GTEST_SKIP() << "no " << ford.dir << " (GPL capture kept outside the repository)";
  }
  const GoldenTally tally = run_golden(ford, "expected-cantools.jsonl.xz");
  EXPECT_EQ(tally.frames, 50638u);
  EXPECT_EQ(tally.values, 419993u);
}

// cantools cannot unpack PCS_HUD (overlapping signals); each signal on its own is well defined.
TEST(DecoderGolden, DecodesTheOverlappingRav4PcsHudSignalsOneByOne) {
  auto decoder = Decoder::compile(load_databases(rav4_case()));
  ASSERT_TRUE(decoder.has_value()) << decoder.error().message();
  BusTable buses({"can0", "can1"});
  auto frame = parse_candump_line("(1.000000) can0 411#0020000010008000", buses);
  ASSERT_TRUE(frame.has_value()) << frame.error().message();
  std::vector<Sample> out(decoder->max_samples_per_frame());
  const size_t count = decoder->decode(*frame, out);
  ASSERT_GT(count, 3u);
  std::map<std::string, uint64_t> values;
  for (size_t i = 0; i < count; ++i) {
    ASSERT_EQ(out[i].kind, SampleKind::kUnsigned);
    values[decoder->signals()[out[i].signal].name] = out[i].value.u64;
  }
  EXPECT_EQ(values["SET_ME_X20"], 32u);
  EXPECT_EQ(values["SET_ME_X10"], 16u);
  EXPECT_EQ(values["PCS_SENSITIVITY"], 128u);
  for (const auto& [name, value] : values) {
    if (name != "SET_ME_X20" && name != "SET_ME_X10" && name != "PCS_SENSITIVITY") {
      EXPECT_EQ(value, 0u) << name;
    }
  }
}

}  // namespace
}  // namespace autograph::can
