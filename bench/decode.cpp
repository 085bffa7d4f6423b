// Decoder throughput on real captures and their DBCs, frames in capture order (DESIGN.md
// budget: <= 15 ns per decoded frame on RAV4 can0, <= 6 ns on Kona can0).
//
// Counters (seconds, printed with SI prefixes: "4.2n" is 4.2 ns):
//   per_frame    time per input frame of that bus
//   per_decoded  time per frame whose identifier is in the DBC
//   per_signal   time per decoded signal value
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"

namespace {

using autograph::can::CanFrame;
using autograph::can::Database;
using autograph::can::Decoder;
using autograph::can::Sample;

struct Capture {
  std::string name;
  std::filesystem::path dir;
  std::vector<std::vector<std::string>> dbcs;  // by bus index: can0, can1
};

// The databases of every bus of `capture`, several files of one bus merged; exits on error:
// a benchmark without its data measures nothing.
std::vector<Database> load_databases(const Capture& capture) {
  std::vector<Database> buses;
  for (const auto& files : capture.dbcs) {
    Database bus;
    for (const std::string& file : files) {
      auto db = autograph::can::load_dbc_file(capture.dir / file);
      if (!db || !autograph::can::merge_into(bus, std::move(*db))) {
        std::fprintf(stderr, "cannot load %s/%s\n", capture.dir.c_str(), file.c_str());
        std::exit(1);
      }
    }
    buses.push_back(std::move(bus));
  }
  return buses;
}

// Every frame of `capture` on bus `bus`, in capture order.
std::vector<CanFrame> load_frames(const Capture& capture, uint16_t bus) {
  auto reader = autograph::can::CandumpReader::open(capture.dir / "capture.log",
                                                    autograph::can::BusTable({"can0", "can1"}));
  std::vector<CanFrame> frames;
  CanFrame frame;
  for (;;) {
    auto more = reader ? reader->next(frame) : autograph::Result<bool>(false);
    if (!reader || !more) {
      std::fprintf(stderr, "cannot read %s/capture.log\n", capture.dir.c_str());
      std::exit(1);
    }
    if (!*more) {
      return frames;
    }
    if (frame.bus == bus) {
      frames.push_back(frame);
    }
  }
}

void decode_capture(benchmark::State& state, const Capture& capture, uint16_t bus) {
  auto decoder = Decoder::compile(load_databases(capture));
  if (!decoder) {
    state.SkipWithError(decoder.error().message().c_str());
    return;
  }
  const std::vector<CanFrame> frames = load_frames(capture, bus);
  std::vector<Sample> samples(decoder->max_samples_per_frame());
  size_t known = 0;
  size_t values = 0;
  for (const CanFrame& frame : frames) {
    known += decoder->knows(frame.bus, frame.id) ? 1 : 0;
    values += decoder->decode(frame, samples);
  }
  for (auto _ : state) {
    size_t total = 0;
    for (const CanFrame& frame : frames) {
      total += decoder->decode(frame, samples);
      benchmark::DoNotOptimize(samples.data());
    }
    benchmark::DoNotOptimize(total);
  }
  using benchmark::Counter;
  const auto per = Counter::kIsIterationInvariantRate | Counter::kInvert;
  state.counters["per_frame"] = Counter(static_cast<double>(frames.size()), per);
  state.counters["per_decoded"] = Counter(static_cast<double>(known), per);
  state.counters["per_signal"] = Counter(static_cast<double>(values), per);
  state.counters["frames"] = static_cast<double>(frames.size());
}

// The floor: touching every frame's 8 bytes, as DESIGN.md's "merely reading every frame's bytes
// costs 2.2 ns" (a yardstick for how loaded the machine is while measuring).
void read_bytes(benchmark::State& state, const Capture& capture, uint16_t bus) {
  const std::vector<CanFrame> frames = load_frames(capture, bus);
  for (auto _ : state) {
    uint64_t sum = 0;
    for (const CanFrame& frame : frames) {
      uint64_t word;
      std::memcpy(&word, frame.data, sizeof word);
      sum += word ^ frame.id;
      benchmark::DoNotOptimize(sum);
    }
  }
  state.counters["per_frame"] = benchmark::Counter(
      static_cast<double>(frames.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void register_all() {
  const std::filesystem::path data = AUTOGRAPH_TEST_DATA_DIR;
  const std::filesystem::path shared = AUTOGRAPH_SHARED_DATA_DIR;
  std::vector<Capture> captures = {
      {"kona", data / "hyundai-kona-ev", {{"vehicle.dbc"}, {"vehicle.dbc", "ccan.dbc"}}},
      {"rav4", data / "toyota-rav4-comma2k19", {{"vehicle.dbc"}, {"radar.dbc"}}},
  };
  if (std::filesystem::exists(shared / "ford-mustang-gt350" / "capture.log")) {
    captures.push_back({"ford", shared / "ford-mustang-gt350", {{"vehicle.dbc"}}});
  }
  for (const Capture& capture : captures) {
    for (uint16_t bus = 0; bus < capture.dbcs.size(); ++bus) {
      benchmark::RegisterBenchmark(
          ("decode/" + capture.name + "/can" + std::to_string(bus)).c_str(),
          [capture, bus](benchmark::State& state) { decode_capture(state, capture, bus); });
    }
    benchmark::RegisterBenchmark(
        ("read_bytes/" + capture.name + "/can0").c_str(),
        [capture](benchmark::State& state) { read_bytes(state, capture, 0); });
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
