// Decoder throughput on real captures and their DBCs, frames in capture order (DESIGN.md
// budget: <= 15 ns per decoded frame on RAV4 can0, <= 6 ns on Kona can0).
//
// Benchmarks, per capture and bus:
//   decode/...          every signal of the DBCs
//   decode_mapped/...   only the signals the vehicle's mapping.json maps (what the pipeline
//                       decodes when a policy grants every mapped VSS signal: the decoder
//                       narrowed with VssMapping::needed_signals())
//   floor/..., floor_mapped/...  the unavoidable work of the decoder above it: per frame one
//                       identifier lookup and as many 24-byte Samples as that decoder emits for
//                       the frame (same counts), values made from the bytes with one shift. What
//                       the budget costs in table lookups and stores alone on this machine.
//   decode_grouped/..., floor_grouped/...  decode/ and floor/ with the same frames grouped by
//                       identifier (a stable sort): the same work with predictable branches, so
//                       the difference to capture order is what mispredictions cost.
//   read_bytes/...      touching every frame's 8 bytes (a yardstick for how loaded the machine
//                       is while measuring)
//
// Counters (seconds, printed with SI prefixes: "4.2n" is 4.2 ns):
//   per_frame    time per input frame of that bus
//   per_decoded  time per frame whose identifier is in the DBC
//   per_signal   time per sample written
//   samples      samples written per pass over the capture
//   frames       input frames of that bus
//
// Instructions per frame: the timed loops are the non-inlined functions decode_all() and
// store_all(), so callgrind can count exactly them:
//   valgrind --tool=callgrind --toggle-collect='*decode_all*' build/release/bench/decode
//     --benchmark_filter='^decode/kona/can0$' --benchmark_min_time=0.000001
// runs one iteration, so decode_all() runs twice (the setup pass and the iteration): the
// instructions per input frame are the collected Ir / (2 * frames).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "normaliser/vss_mapping.hpp"

namespace {

using autograph::can::CanFrame;
using autograph::can::Database;
using autograph::can::Decoder;
using autograph::can::Sample;
using autograph::can::SampleKind;

struct Capture {
  std::string name;
  std::filesystem::path dir;
  std::vector<std::vector<std::string>> dbcs;  // by bus index: can0, can1
  std::filesystem::path mapping;               // the vehicle profile's mapping.json
};

enum class Signals { kAll, kMapped };
enum class Order { kCapture, kGrouped };  // of the frames: as captured, or grouped by identifier

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// The databases of every bus of `capture`, several files of one bus merged; exits on error:
// a benchmark without its data measures nothing.
std::vector<Database> load_databases(const Capture& capture) {
  std::vector<Database> buses;
  for (const auto& files : capture.dbcs) {
    Database bus;
    for (const std::string& file : files) {
      auto db = autograph::can::load_dbc_file(capture.dir / file);
      if (!db || !autograph::can::merge_into(bus, std::move(*db))) {
        die("cannot load " + (capture.dir / file).string());
      }
    }
    buses.push_back(std::move(bus));
  }
  return buses;
}

// A decoder of every signal, or of the signals the mapping maps (on any bus).
Decoder compile_decoder(const Capture& capture, Signals signals) {
  const std::vector<Database> buses = load_databases(capture);
  autograph::can::SignalSelection selection;
  if (signals == Signals::kMapped) {
    std::vector<std::string> names;
    for (size_t b = 0; b < buses.size(); ++b) {
      names.push_back("can" + std::to_string(b));
    }
    auto mapping = autograph::normaliser::VssMapping::load(capture.mapping, buses, names);
    if (!mapping) {
      die(mapping.error().message());
    }
    std::vector<uint32_t> every(mapping->vss_paths().size());
    for (uint32_t i = 0; i < every.size(); ++i) {
      every[i] = i;
    }
    selection.keys = mapping->needed_signals(every);
    if (selection.keys.empty()) {
      die(capture.mapping.string() + " maps no signal");  // empty would select every signal
    }
  }
  auto decoder = Decoder::compile(buses, selection);
  if (!decoder) {
    die(decoder.error().message());
  }
  return std::move(*decoder);
}

// Every frame of `capture` on bus `bus`, in capture order or grouped by identifier.
std::vector<CanFrame> load_frames(const Capture& capture, uint16_t bus,
                                  Order order = Order::kCapture) {
  auto reader = autograph::can::CandumpReader::open(capture.dir / "capture.log",
                                                    autograph::can::BusTable({"can0", "can1"}));
  std::vector<CanFrame> frames;
  CanFrame frame;
  for (;;) {
    auto more = reader ? reader->next(frame) : autograph::Result<bool>(false);
    if (!reader || !more) {
      die("cannot read " + (capture.dir / "capture.log").string());
    }
    if (!*more) {
      if (order == Order::kGrouped) {
        std::stable_sort(frames.begin(), frames.end(),
                         [](const CanFrame& a, const CanFrame& b) { return a.id < b.id; });
      }
      return frames;
    }
    if (frame.bus == bus) {
      frames.push_back(frame);
    }
  }
}

void set_counters(benchmark::State& state, size_t frames, size_t known, size_t samples) {
  using benchmark::Counter;
  const auto per = Counter::kIsIterationInvariantRate | Counter::kInvert;
  state.counters["per_frame"] = Counter(static_cast<double>(frames), per);
  state.counters["per_decoded"] = Counter(static_cast<double>(known), per);
  state.counters["per_signal"] = Counter(static_cast<double>(samples), per);
  state.counters["samples"] = static_cast<double>(samples);
  state.counters["frames"] = static_cast<double>(frames);
}

// One pass over the capture; returns the samples written. Not inlined: callgrind counts it.
[[gnu::noinline]] size_t decode_all(Decoder& decoder, std::span<const CanFrame> frames,
                                    std::span<Sample> out) {
  size_t total = 0;
  for (const CanFrame& frame : frames) {
    total += decoder.decode(frame, out);
    benchmark::DoNotOptimize(out.data());
  }
  return total;
}

void decode_capture(benchmark::State& state, const Capture& capture, uint16_t bus, Signals signals,
                    Order order) {
  Decoder decoder = compile_decoder(capture, signals);
  const std::vector<CanFrame> frames = load_frames(capture, bus, order);
  std::vector<Sample> samples(decoder.max_samples_per_frame());
  size_t known = 0;
  for (const CanFrame& frame : frames) {
    known += decoder.knows(frame.bus, frame.id) ? 1 : 0;
  }
  const size_t values = decode_all(decoder, frames, samples);
  for (auto _ : state) {
    benchmark::DoNotOptimize(decode_all(decoder, frames, samples));
  }
  set_counters(state, frames.size(), known, values);
}

// Samples per standard identifier, as the decoder emits them for the frames of the capture.
using SampleCounts = std::array<uint8_t, 2048>;

// The floor's loop: per frame one table load, then `counts[id]` Samples, each its 8-byte head
// (signal index and kind), time and value in two stores (the compiler pairs head and time into
// one 16-byte store, as in the decoder's kernels). Not inlined: callgrind counts it.
[[gnu::noinline]] size_t store_all(const SampleCounts& counts, std::span<const CanFrame> frames,
                                   Sample* out) {
  constexpr uint64_t kKind = uint64_t{static_cast<uint8_t>(SampleKind::kUnsigned)} << 32;
  size_t total = 0;
  for (const CanFrame& frame : frames) {
    uint64_t word;
    std::memcpy(&word, frame.data, sizeof word);
    const uint64_t t_ns = frame.t_ns;
    const unsigned count = counts[frame.id];
    for (unsigned i = 0; i < count; ++i) {
      const uint64_t head = i | kKind;
      std::memcpy(static_cast<void*>(out + i), &head, sizeof head);
      out[i].t_ns = t_ns;
      out[i].value.u64 = word >> i;
    }
    total += count;
    benchmark::DoNotOptimize(out);
  }
  return total;
}

void store_floor(benchmark::State& state, const Capture& capture, uint16_t bus, Signals signals,
                 Order order) {
  Decoder decoder = compile_decoder(capture, signals);
  const std::vector<CanFrame> frames = load_frames(capture, bus, order);
  std::vector<Sample> samples(decoder.max_samples_per_frame());
  SampleCounts counts{};
  size_t known = 0;
  size_t values = 0;
  for (const CanFrame& frame : frames) {
    if (frame.id >= counts.size()) {
      die(capture.name + ": the floor covers standard identifiers only");
    }
    known += decoder.knows(frame.bus, frame.id) ? 1 : 0;
    const size_t count = decoder.decode(frame, samples);
    values += count;
    counts[frame.id] = static_cast<uint8_t>(count);
  }
  const size_t stored = store_all(counts, frames, samples.data());
  if (stored != values) {
    state.SkipWithError("the identifier's sample count differs between its frames");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(store_all(counts, frames, samples.data()));
  }
  set_counters(state, frames.size(), known, values);
}

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

void register_capture(const Capture& capture) {
  for (uint16_t bus = 0; bus < capture.dbcs.size(); ++bus) {
    const std::string where = capture.name + "/can" + std::to_string(bus);
    for (const Signals signals : {Signals::kAll, Signals::kMapped}) {
      const std::string suffix = signals == Signals::kAll ? "/" : "_mapped/";
      benchmark::RegisterBenchmark(("decode" + suffix + where).c_str(),
                                   [capture, bus, signals](benchmark::State& state) {
                                     decode_capture(state, capture, bus, signals, Order::kCapture);
                                   });
      benchmark::RegisterBenchmark(("floor" + suffix + where).c_str(),
                                   [capture, bus, signals](benchmark::State& state) {
                                     store_floor(state, capture, bus, signals, Order::kCapture);
                                   });
    }
    benchmark::RegisterBenchmark(
        ("decode_grouped/" + where).c_str(), [capture, bus](benchmark::State& state) {
          decode_capture(state, capture, bus, Signals::kAll, Order::kGrouped);
        });
    benchmark::RegisterBenchmark(("floor_grouped/" + where).c_str(),
                                 [capture, bus](benchmark::State& state) {
                                   store_floor(state, capture, bus, Signals::kAll, Order::kGrouped);
                                 });
    benchmark::RegisterBenchmark(
        ("read_bytes/" + where).c_str(),
        [capture, bus](benchmark::State& state) { read_bytes(state, capture, bus); });
  }
}

void register_all() {
  const std::filesystem::path vehicles = std::filesystem::path(AUTOGRAPH_SOURCE_DIR) / "vehicles";
  const std::filesystem::path data = AUTOGRAPH_TEST_DATA_DIR;
  const std::filesystem::path shared = AUTOGRAPH_SHARED_DATA_DIR;
  std::vector<Capture> captures = {
      {"kona",
       data / "hyundai-kona-ev",
       {{"vehicle.dbc"}, {"vehicle.dbc", "ccan.dbc"}},
       vehicles / "hyundai-kona-ev" / "mapping.json"},
      {"rav4",
       data / "toyota-rav4-comma2k19",
       {{"vehicle.dbc"}, {"radar.dbc"}},
       vehicles / "toyota-rav4" / "mapping.json"},
  };
  if (std::filesystem::exists(shared / "ford-mustang-gt350" / "capture.log")) {
    captures.push_back({"ford",
                        shared / "ford-mustang-gt350",
                        {{"vehicle.dbc"}},
                        vehicles / "ford-mustang-gt350" / "mapping.json"});
  }
  for (const Capture& capture : captures) {
    register_capture(capture);
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
