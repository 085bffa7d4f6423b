// The whole pipeline on one core: replay (candump parsing included) -> decode -> normalise ->
// gate -> batch -> sign -> spool, on the real Kona EV capture with its VSS mapping and a
// two-grantee policy. Frames per second is the budget figure (>= 1,000,000/s); peak RSS
// (getrusage) is reported as a counter. The spool uses group commit (one flush per capture pass)
// and lives under $AUTOGRAPH_BENCH_DIR (default: the working directory).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"
#include "normaliser/vss_mapping.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "pipeline/capture_replayer.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/reactor.hpp"
#include "policy/policy_gate.hpp"
#include "spool/spool.hpp"

namespace autograph::pipeline {
namespace {

const std::string kKonaDir = AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev";
const std::vector<std::string> kBuses = {"can0", "can1"};

policy::SignalRule every(std::string path, int64_t every_ms) {
  policy::SignalRule rule;
  rule.path = std::move(path);
  rule.every_ms = every_ms;
  return rule;
}

// insurer: speed once a second, 10 s batches; fleet: every mapped signal, no rate limit below
// the bus's own, batches of 10 s or 1000 samples.
policy::Policy bench_policy() {
  policy::Policy p;
  p.version = 1;
  policy::Grantee insurer;
  insurer.name = "insurer";
  insurer.signals.push_back(every("Vehicle.Speed", 1000));
  insurer.batch = {10, 10'000};
  policy::Grantee fleet;
  fleet.name = "fleet";
  fleet.signals.push_back(every("Vehicle.*", 1));
  fleet.batch = {10, 1000};
  p.grantees = {insurer, fleet};
  return p;
}

Result<std::unique_ptr<FramePipeline>> make_pipeline(const signing::SecretKey& key,
                                                     BoundedQueue<OutgoingBatch>& queue) {
  std::vector<can::Database> buses(2);
  for (size_t i = 0; i < 2; ++i) {
    Result<can::Database> dbc = can::load_dbc_file(kKonaDir + "/vehicle.dbc");
    if (!dbc) {
      return tl::unexpected(dbc.error());
    }
    buses[i] = std::move(*dbc);
  }
  Result<can::Database> ccan = can::load_dbc_file(kKonaDir + "/ccan.dbc");
  if (!ccan || !can::merge_into(buses[1], std::move(*ccan))) {
    return fail(ErrorCode::kFailedPrecondition, "ccan.dbc");
  }
  Result<normaliser::VssMapping> mapping = normaliser::VssMapping::load(
      AUTOGRAPH_SOURCE_DIR "/vehicles/hyundai-kona-ev/mapping.json", buses, kBuses);
  if (!mapping) {
    return tl::unexpected(mapping.error());
  }
  Result<can::Decoder> decoder = can::Decoder::compile(buses);
  if (!decoder) {
    return tl::unexpected(decoder.error());
  }
  normaliser::VssNormaliser normaliser =
      normaliser::VssNormaliser::compile(*mapping, decoder->signals());
  auto pipeline = std::make_unique<FramePipeline>(std::move(*decoder), std::move(normaliser), key,
                                                  "bench", queue);
  Result<policy::PolicyGate> gate =
      policy::PolicyGate::compile(bench_policy(), pipeline->normaliser().vss_paths());
  if (!gate) {
    return tl::unexpected(gate.error());
  }
  std::vector<signing::StreamCursor> cursors(gate->grantee_count());
  pipeline->apply_policy(std::move(*gate), signing::Hash256{}, cursors);
  return pipeline;
}

std::filesystem::path bench_dir() {
  const char* configured = std::getenv("AUTOGRAPH_BENCH_DIR");  // NOLINT(concurrency-mt-unsafe)
  return std::filesystem::path(configured != nullptr ? configured : ".") /
         "autograph-pipeline-bench";
}

// Moves every queued batch into the spool; returns false (and reports) on a spool error.
bool spool_batches(BoundedQueue<OutgoingBatch>& queue, spool::Spool& spool,
                   benchmark::State& state) {
  OutgoingBatch out;
  while (queue.try_pop(out)) {
    const std::string& text = out.batch.envelope;
    Result<uint64_t> id = spool.append(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    if (!id) {
      state.SkipWithError(id.error().message().c_str());
      return false;
    }
  }
  return true;
}

void BM_PipelineKonaReplayToSpool(benchmark::State& state) {
  const signing::SecretKey key = std::move(signing::SecretKey::generate().value());
  BoundedQueue<OutgoingBatch> queue(1024);
  Result<std::unique_ptr<FramePipeline>> pipeline = make_pipeline(key, queue);
  if (!pipeline) {
    state.SkipWithError(pipeline.error().message().c_str());
    return;
  }
  std::filesystem::remove_all(bench_dir());
  spool::SpoolOptions options;
  options.dir = bench_dir();
  options.fsync = spool::FsyncPolicy::kGroup;
  Result<spool::Spool> spool = spool::Spool::open(options);
  if (!spool) {
    state.SkipWithError(spool.error().message().c_str());
    return;
  }
  std::vector<can::CanFrame> frames(Reactor::kReadBatch);
  uint64_t total_frames = 0;
  for (auto _ : state) {
    can::CandumpReaderOptions reader_options;
    reader_options.skip_bad_lines = true;
    Result<can::CandumpReader> reader =
        can::CandumpReader::open(kKonaDir + "/capture.log", can::BusTable(kBuses), reader_options);
    Result<CaptureReplayer> replayer =
        reader ? CaptureReplayer::open(std::move(*reader), CaptureReplayer::kMaxSpeed)
               : tl::unexpected(reader.error());
    if (!replayer) {
      state.SkipWithError(replayer.error().message().c_str());
      return;
    }
    while (!replayer->finished()) {
      Result<size_t> n = replayer->read_batch(frames);
      if (!n) {
        state.SkipWithError(n.error().message().c_str());
        return;
      }
      (*pipeline)->process(std::span<const can::CanFrame>(frames.data(), *n));
      if (!spool_batches(queue, *spool, state)) {
        return;
      }
    }
    (*pipeline)->close_all();
    if (!spool_batches(queue, *spool, state) || !spool->flush()) {
      return;
    }
    total_frames += replayer->counters().frames;
  }
  state.SetItemsProcessed(static_cast<int64_t>(total_frames));
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(total_frames), benchmark::Counter::kIsRate);
  state.counters["batches"] = static_cast<double>((*pipeline)->counters().batches);
  state.counters["vss_samples_per_frame"] =
      static_cast<double>((*pipeline)->counters().vss_samples) /
      static_cast<double>((*pipeline)->counters().frames);
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_kb"] = static_cast<double>(usage.ru_maxrss);
  std::filesystem::remove_all(bench_dir());
}
BENCHMARK(BM_PipelineKonaReplayToSpool)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace autograph::pipeline

BENCHMARK_MAIN();
