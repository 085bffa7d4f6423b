// Normaliser throughput on real captures with the profiles in vehicles/ (Kona and RAV4 with the
// capture from test data, Ford from ../shared/data when present).
//
// Counters (seconds, printed with SI prefixes: "1.2n" is 1.2 ns):
//   per_sample   normalise/<vehicle>: time per decoded sample (every sample of the capture,
//                mapped or not, decoded beforehand)
//   per_frame    decode_normalise/<vehicle>: decode + normalise per input frame;
//                decode_normalise_narrowed/<vehicle>: the same with the decoder narrowed to the
//                DBC signals the mapping uses
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "normaliser/vss_normaliser.hpp"

namespace {

using autograph::can::CanFrame;
using autograph::can::Database;
using autograph::can::Decoder;
using autograph::can::Sample;
using autograph::normaliser::VssMapping;
using autograph::normaliser::VssNormaliser;
using autograph::normaliser::VssSample;

struct Profile {
  std::string name;
  std::filesystem::path mapping;
  std::vector<std::vector<std::filesystem::path>> dbcs;  // by bus index: can0, can1
  std::filesystem::path capture;
};

// Everything a run needs, loaded once; exits on error: a benchmark without its data measures
// nothing.
struct Loaded {
  Decoder decoder;
  VssNormaliser normaliser;
  std::vector<CanFrame> frames;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// `narrowed`: the decoder selects only the DBC signals the mapping uses (what a policy that grants
// every mapped VSS signal does), instead of every signal of the DBCs.
Loaded load(const Profile& profile, bool narrowed = false) {
  std::vector<Database> buses;
  std::vector<std::string> names;
  for (const auto& files : profile.dbcs) {
    Database bus;
    for (const auto& file : files) {
      auto db = autograph::can::load_dbc_file(file);
      if (!db || !autograph::can::merge_into(bus, std::move(*db))) {
        die("cannot load " + file.string());
      }
    }
    buses.push_back(std::move(bus));
    names.push_back("can" + std::to_string(names.size()));
  }
  auto mapping = VssMapping::load(profile.mapping, buses, names);
  if (!mapping) {
    die(mapping.error().message());
  }
  autograph::can::SignalSelection selection;
  if (narrowed) {
    std::vector<uint32_t> all(mapping->vss_paths().size());
    for (uint32_t i = 0; i < all.size(); ++i) {
      all[i] = i;
    }
    selection.keys = mapping->needed_signals(all);
  }
  auto decoder = Decoder::compile(buses, selection);
  auto reader = autograph::can::CandumpReader::open(profile.capture.string(),
                                                    autograph::can::BusTable(names));
  if (!mapping || !decoder || !reader) {
    die("cannot load the " + profile.name + " profile");
  }
  VssNormaliser normaliser = VssNormaliser::compile(*mapping, decoder->signals());
  std::vector<CanFrame> frames;
  CanFrame frame;
  for (auto more = reader->next(frame); more && *more; more = reader->next(frame)) {
    frames.push_back(frame);
  }
  return {std::move(*decoder), std::move(normaliser), std::move(frames)};
}

void normalise_samples(benchmark::State& state, const Profile& profile) {
  Loaded loaded = load(profile);
  std::vector<Sample> samples;
  std::vector<Sample> scratch(loaded.decoder.max_samples_per_frame());
  for (const CanFrame& frame : loaded.frames) {
    const size_t n = loaded.decoder.decode(frame, scratch);
    samples.insert(samples.end(), scratch.begin(), scratch.begin() + static_cast<long>(n));
  }
  std::vector<VssSample> out(samples.size());
  size_t produced = 0;
  for (auto _ : state) {
    produced = loaded.normaliser.normalise(samples, out);
    benchmark::DoNotOptimize(out.data());
  }
  using benchmark::Counter;
  const auto per = Counter::kIsIterationInvariantRate | Counter::kInvert;
  state.counters["per_sample"] = Counter(static_cast<double>(samples.size()), per);
  state.counters["samples"] = static_cast<double>(samples.size());
  state.counters["vss_samples"] = static_cast<double>(produced);
}

void decode_normalise(benchmark::State& state, const Profile& profile, bool narrowed) {
  Loaded loaded = load(profile, narrowed);
  std::vector<Sample> samples(loaded.decoder.max_samples_per_frame());
  std::vector<VssSample> out(samples.size());
  for (auto _ : state) {
    size_t total = 0;
    for (const CanFrame& frame : loaded.frames) {
      const size_t n = loaded.decoder.decode(frame, samples);
      total += loaded.normaliser.normalise(std::span(samples.data(), n), out);
      benchmark::DoNotOptimize(out.data());
    }
    benchmark::DoNotOptimize(total);
  }
  state.counters["per_frame"] = benchmark::Counter(
      static_cast<double>(loaded.frames.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void register_all() {
  const std::filesystem::path vehicles = std::filesystem::path(AUTOGRAPH_SOURCE_DIR) / "vehicles";
  const std::filesystem::path data = AUTOGRAPH_TEST_DATA_DIR;
  const std::filesystem::path shared = AUTOGRAPH_SHARED_DATA_DIR;
  const auto kona = vehicles / "hyundai-kona-ev";
  const auto rav4 = vehicles / "toyota-rav4";
  std::vector<Profile> profiles = {
      {"kona",
       kona / "mapping.json",
       {{kona / "vehicle.dbc"}, {kona / "vehicle.dbc", kona / "ccan.dbc"}},
       data / "hyundai-kona-ev" / "capture.log"},
      {"rav4",
       rav4 / "mapping.json",
       {{rav4 / "vehicle.dbc"}, {rav4 / "radar.dbc"}},
       data / "toyota-rav4-comma2k19" / "capture.log"},
  };
  const auto ford = shared / "ford-mustang-gt350";
  if (std::filesystem::exists(ford / "capture.log")) {
    profiles.push_back({"ford",
                        vehicles / "ford-mustang-gt350" / "mapping.json",
                        {{ford / "vehicle.dbc"}},
                        ford / "capture.log"});
  }
  for (const Profile& profile : profiles) {
    benchmark::RegisterBenchmark(
        ("normalise/" + profile.name).c_str(),
        [profile](benchmark::State& state) { normalise_samples(state, profile); });
    benchmark::RegisterBenchmark(
        ("decode_normalise/" + profile.name).c_str(),
        [profile](benchmark::State& state) { decode_normalise(state, profile, false); });
    benchmark::RegisterBenchmark(
        ("decode_normalise_narrowed/" + profile.name).c_str(),
        [profile](benchmark::State& state) { decode_normalise(state, profile, true); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
