// Time to parse whole DBC files: the Ford GT350 vehicle.dbc (800 KB, the largest here; skipped
// when ../shared/data is absent) and Tesla's Model3CAN.dbc (380 KB) from the test data.
// The parser runs once at start-up and on reload; the aim is well under 50 ms for the Ford file.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "autograph/can/dbc_parser.hpp"

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

void parse_file(benchmark::State& state, const std::filesystem::path& path,
                const autograph::can::DbcParseOptions& options) {
  if (!std::filesystem::exists(path)) {
    state.SkipWithError((path.string() + " is absent").c_str());
    return;
  }
  const std::string text = read_file(path);
  size_t messages = 0;
  for (auto _ : state) {
    auto db = autograph::can::parse_dbc(text, path.string(), options);
    if (!db) {
      state.SkipWithError(db.error().message().c_str());
      return;
    }
    messages = db->messages.size();
    benchmark::DoNotOptimize(db);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["messages"] = static_cast<double>(messages);
}

void BM_ParseFordGt350(benchmark::State& state) {
  parse_file(state, AUTOGRAPH_SHARED_DATA_DIR "/ford-mustang-gt350/vehicle.dbc", {});
}
BENCHMARK(BM_ParseFordGt350)->Unit(benchmark::kMillisecond);

void BM_ParseTeslaModel3Can(benchmark::State& state) {
  // The file declares 5-byte messages with signals up to byte 7 (see DbcParseOptions).
  parse_file(state, AUTOGRAPH_TEST_DATA_DIR "/dbc/tesla_model3_Model3CAN.dbc",
             {.allow_signals_past_length = true});
}
BENCHMARK(BM_ParseTeslaModel3Can)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
