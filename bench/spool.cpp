// Spool append throughput: fsync per record (the default policy) and group commit, and the
// CRC32C that guards every record. The spool lives under $AUTOGRAPH_BENCH_DIR (default: the
// working directory), which must be on the device under test, not tmpfs, for fsync to count.
#include <benchmark/benchmark.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "spool/crc32c.hpp"
#include "spool/spool.hpp"

namespace autograph::spool {
namespace {

std::filesystem::path bench_dir() {
  // Read once, before any benchmark thread exists.
  const char* configured = std::getenv("AUTOGRAPH_BENCH_DIR");  // NOLINT(concurrency-mt-unsafe)
  const std::filesystem::path base = configured != nullptr ? configured : ".";
  return base / "autograph-spool-bench";
}

std::vector<uint8_t> make_payload(size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<uint8_t>(i * 31 + 7);
  }
  return bytes;
}

void append_loop(benchmark::State& state, const SpoolOptions& options, int64_t group) {
  const auto size = static_cast<size_t>(state.range(0));
  auto spool = Spool::open(options);
  if (!spool) {
    state.SkipWithError(spool.error().message().c_str());
    return;
  }
  const std::vector<uint8_t> payload = make_payload(size);
  int64_t in_group = 0;
  for (auto _ : state) {
    auto id = spool->append(payload);
    if (!id) {
      state.SkipWithError(id.error().message().c_str());
      break;
    }
    if (group > 0 && ++in_group == group) {
      in_group = 0;
      if (auto flushed = spool->flush(); !flushed) {
        state.SkipWithError(flushed.error().message().c_str());
        break;
      }
    }
  }
  if (group > 0) {
    static_cast<void>(spool->flush());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
  state.counters["evicted"] = static_cast<double>(spool->stats().evicted_records);
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Appends records of state.range(0) bytes; flushes every state.range(1) records under kGroup,
// or fsyncs each one when state.range(1) is 0.
void BM_SpoolAppend(benchmark::State& state) {
  const auto group = state.range(1);
  SpoolOptions options;
  options.dir = bench_dir();
  options.max_bytes = 8ull << 30;  // never evicts within a run; the evicted counter shows it
  options.fsync = group == 0 ? FsyncPolicy::kEveryRecord : FsyncPolicy::kGroup;
  std::filesystem::remove_all(options.dir);
  append_loop(state, options, group);
  std::filesystem::remove_all(options.dir);
}
BENCHMARK(BM_SpoolAppend)
    ->ArgNames({"bytes", "group"})
    ->Args({1024, 0})
    ->Args({16384, 0})
    ->Args({1024, 64})
    ->Args({16384, 64})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Opening a spool of 64 MiB in 1 KiB records: the recovery scan a device does at boot.
void BM_SpoolOpen64MiB(benchmark::State& state) {
  SpoolOptions options;
  options.dir = bench_dir();
  options.fsync = FsyncPolicy::kGroup;
  std::filesystem::remove_all(options.dir);
  {
    auto spool = Spool::open(options);
    if (!spool) {
      state.SkipWithError(spool.error().message().c_str());
      return;
    }
    const std::vector<uint8_t> payload = make_payload(1024);
    // 90% of the bound in 1040-byte framed records, so nothing is evicted.
    const uint64_t count = options.max_bytes / 1040 * 9 / 10;
    for (uint64_t i = 0; i < count; ++i) {
      static_cast<void>(spool->append(payload));
    }
    static_cast<void>(spool->flush());
  }
  uint64_t pending = 0;
  for (auto _ : state) {
    auto spool = Spool::open(options);
    if (!spool) {
      state.SkipWithError(spool.error().message().c_str());
      break;
    }
    pending = spool->stats().pending_records;
  }
  state.counters["records"] = static_cast<double>(pending);
  std::filesystem::remove_all(options.dir);
}
BENCHMARK(BM_SpoolOpen64MiB)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Crc32c(benchmark::State& state) {
  const std::vector<uint8_t> data = make_payload(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc32c(data));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32c)->Arg(64)->Arg(1024)->Arg(16384);

}  // namespace
}  // namespace autograph::spool

int main(int argc, char** argv) {
  // Only losses (errors) from the spool, not its lifecycle lines, between benchmark rows.
  spdlog::stderr_color_mt("spool")->set_level(spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
