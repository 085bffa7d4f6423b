// Reading candump logs: ns per line for the RAV4 capture (78,304 lines) held in memory, through
// the whole reader and through the bare line parser, plus formatting and reading from the file.
// Build with the release preset:  build/release/bench/candump_read
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/can/candump_log.hpp"

namespace {

using autograph::can::BusTable;
using autograph::can::CandumpReader;
using autograph::can::CanFrame;

const std::string kCapturePath = AUTOGRAPH_TEST_DATA_DIR "/toyota-rav4-comma2k19/capture.log";

// The capture's text; empty when the file is missing (tests/data is unpacked by the tests build).
const std::string& capture_text() {
  static const std::string text = [] {
    std::ifstream file(kCapturePath, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }();
  return text;
}

// Reports time per line: the rate counter inverted gives seconds per line.
void set_per_line(benchmark::State& state, size_t lines) {
  state.counters["ns_per_line"] = benchmark::Counter(
      static_cast<double>(lines) * 1e-9,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<int64_t>(lines * state.iterations()));
}

bool have_capture(benchmark::State& state) {
  if (capture_text().empty()) {
    state.SkipWithError(("cannot read " + kCapturePath).c_str());
    return false;
  }
  return true;
}

void BM_ReadFromMemory(benchmark::State& state) {
  if (!have_capture(state)) {
    return;
  }
  const std::string& text = capture_text();
  size_t frames = 0;
  for (auto _ : state) {
    CandumpReader reader = CandumpReader::from_memory(text, "capture.log");
    CanFrame frame;
    frames = 0;
    while (reader.next(frame).value_or(false)) {
      benchmark::DoNotOptimize(frame);
      ++frames;
    }
  }
  set_per_line(state, frames);
}
BENCHMARK(BM_ReadFromMemory)->Unit(benchmark::kMillisecond);

void BM_ScanLines(benchmark::State& state) {
  if (!have_capture(state)) {
    return;
  }
  const std::string& text = capture_text();
  std::vector<std::string_view> lines;
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end;
    lines.push_back(std::string_view(text).substr(start, end - start));
  }
  BusTable buses;
  CanFrame frame;
  for (auto _ : state) {
    for (std::string_view line : lines) {
      benchmark::DoNotOptimize(autograph::can::scan_candump_line(line, buses, frame));
      benchmark::DoNotOptimize(frame);
    }
  }
  set_per_line(state, lines.size());
}
BENCHMARK(BM_ScanLines)->Unit(benchmark::kMillisecond);

void BM_FormatLines(benchmark::State& state) {
  if (!have_capture(state)) {
    return;
  }
  CandumpReader reader = CandumpReader::from_memory(capture_text(), "capture.log");
  std::vector<CanFrame> frames;
  CanFrame frame;
  while (reader.next(frame).value_or(false)) {
    frames.push_back(frame);
  }
  char line[autograph::can::kMaxCandumpLineLength];
  for (auto _ : state) {
    for (const CanFrame& f : frames) {
      benchmark::DoNotOptimize(
          autograph::can::format_candump_line(f, reader.buses().name(f.bus), line));
      benchmark::ClobberMemory();
    }
  }
  set_per_line(state, frames.size());
}
BENCHMARK(BM_FormatLines)->Unit(benchmark::kMillisecond);

void BM_ReadFile(benchmark::State& state) {
  if (!have_capture(state)) {
    return;
  }
  size_t frames = 0;
  for (auto _ : state) {
    autograph::Result<CandumpReader> reader = CandumpReader::open(kCapturePath);
    if (!reader) {
      state.SkipWithError(reader.error().message().c_str());
      return;
    }
    CanFrame frame;
    frames = 0;
    while (reader->next(frame).value_or(false)) {
      benchmark::DoNotOptimize(frame);
      ++frames;
    }
  }
  set_per_line(state, frames);
}
BENCHMARK(BM_ReadFile)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
