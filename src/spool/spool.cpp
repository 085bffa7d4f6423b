#include "spool/spool.hpp"

#include <fcntl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "autograph/check.hpp"
#include "spool/ack_log.hpp"
#include "spool/disk_format.hpp"
#include "spool/posix_file.hpp"
#include "spool/segment_file.hpp"
#include "spool/spool_state.hpp"

namespace autograph::spool {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMinMaxBytes = uint64_t{16} * 1024;
constexpr uint64_t kMinSegmentBytes = uint64_t{4} * 1024;
constexpr uint64_t kMaxRecordBytes = 1ull << 30;

std::shared_ptr<spdlog::logger> spool_logger() {
  if (auto existing = spdlog::get("spool")) {
    return existing;
  }
  try {
    return spdlog::stderr_color_mt("spool");
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get("spool");  // registered meanwhile by another thread
  }
}

Result<void> check_options(const SpoolOptions& options) {
  if (options.dir.empty()) {
    return fail(ErrorCode::kFailedPrecondition, "spool: no directory given");
  }
  if (options.max_bytes < kMinMaxBytes) {
    return fail(ErrorCode::kFailedPrecondition, "spool {}: max_bytes {} is below the minimum {}",
                options.dir.string(), options.max_bytes, kMinMaxBytes);
  }
  if (options.segment_bytes < kMinSegmentBytes) {
    return fail(ErrorCode::kFailedPrecondition,
                "spool {}: segment_bytes {} is below the minimum {}", options.dir.string(),
                options.segment_bytes, kMinSegmentBytes);
  }
  return {};
}

// Creates the directory (0700) when missing, opens and locks it, and checks it is writable.
Result<PosixFile> open_directory(const fs::path& dir) {
  std::error_code ec;
  if (dir.has_parent_path()) {
    fs::create_directories(dir.parent_path(), ec);
    if (ec) {
      return fail(ErrorCode::kFailedPrecondition, "create directory {}: {}",
                  dir.parent_path().string(), ec.message());
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return tl::unexpected(errno_error("mkdir", dir, errno));
  }
  auto handle = PosixFile::open(dir, O_RDONLY | O_DIRECTORY);
  if (!handle) {
    return tl::unexpected(handle.error());
  }
  if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    return tl::unexpected(errno_error("spool directory not writable:", dir, errno));
  }
  if (auto locked = handle->lock_exclusive(); !locked) {
    return tl::unexpected(locked.error());
  }
  return handle;
}

}  // namespace

Spool::Spool(std::unique_ptr<State> state) : state_(std::move(state)) {}
Spool::Spool(Spool&&) noexcept = default;
Spool& Spool::operator=(Spool&&) noexcept = default;

Spool::~Spool() = default;

Result<Spool> Spool::open(const SpoolOptions& options) {
  if (auto valid = check_options(options); !valid) {
    return tl::unexpected(valid.error());
  }
  auto state = std::make_unique<State>();
  state->options = options;
  state->segment_limit =
      std::max(kMinSegmentBytes, std::min(options.segment_bytes, options.max_bytes / 4));
  state->max_record_bytes = std::min(options.max_bytes / 2, kMaxRecordBytes);
  state->log = spool_logger();
  auto dir = open_directory(options.dir);
  if (!dir) {
    return tl::unexpected(dir.error());
  }
  state->dir = std::move(*dir);
  std::error_code ec;
  fs::remove(options.dir / AckLog::kTempFileName, ec);  // an interrupted compaction

  auto loaded = AckLog::open(options.dir);
  if (!loaded) {
    return tl::unexpected(loaded.error());
  }
  state->acks.emplace(std::move(loaded->log));
  if (loaded->torn_bytes > 0) {
    state->counters.torn_bytes += loaded->torn_bytes;
    state->log->error("{}: cut {} bytes ({}); those acks are lost, their records are sent again",
                      (options.dir / AckLog::kFileName).string(), loaded->torn_bytes,
                      loaded->torn_reason);
  }
  if (auto recovered = state->recover_segments(); !recovered) {
    return tl::unexpected(recovered.error());
  }
  if (auto applied = state->apply_acks(std::move(loaded->ids)); !applied) {
    return tl::unexpected(applied.error());
  }
  Spool spool(std::move(state));
  const SpoolStats now = spool.stats();
  spool.state_->log->info("{}: opened, {} pending records ({} bytes) in {} segments, next id {}",
                          options.dir.string(), now.pending_records, now.pending_bytes,
                          now.segments, spool.state_->next_id);
  return spool;
}

Result<uint64_t> Spool::append(std::span<const uint8_t> bytes) {
  AG_CHECK(state_ != nullptr, "use of a moved-from Spool");
  State& s = *state_;
  if (bytes.empty() || bytes.size() > s.max_record_bytes) {
    return fail(ErrorCode::kMalformed, "spool {}: record of {} bytes; the spool takes 1..{}",
                s.options.dir.string(), bytes.size(), s.max_record_bytes);
  }
  const uint64_t framed = disk::kRecordHeaderBytes + bytes.size();
  if (auto room = s.make_room(framed); !room) {
    return tl::unexpected(room.error());
  }
  if (auto appended = s.segments.back().append(s.next_id, bytes, s.durable()); !appended) {
    return tl::unexpected(appended.error());
  }
  s.total_bytes += framed;
  return s.next_id++;
}

Result<std::optional<SpoolRecord>> Spool::next_pending(uint64_t after) {
  AG_CHECK(state_ != nullptr, "use of a moved-from Spool");
  State& s = *state_;
  // Each pass either returns or drops one corrupt record, so the loop is bounded.
  for (;;) {
    const auto found = s.find_pending(after);
    if (!found) {
      return std::optional<SpoolRecord>();
    }
    const auto [segment_index, record_index] = *found;
    const RecordIndex record = s.segments[segment_index].records()[record_index];
    auto payload = s.segments[segment_index].read(record);
    if (payload) {
      s.note_read_from(segment_index);
      return SpoolRecord{record.id, std::move(*payload)};
    }
    if (payload.error().code() != ErrorCode::kDataLoss) {
      return tl::unexpected(payload.error());
    }
    s.log->error("{}; record dropped", payload.error().message());
    ++s.counters.corrupt_records;
    ++s.untaken_drops;
    if (auto dropped = s.mark_delivered(segment_index, record_index); !dropped) {
      return tl::unexpected(dropped.error());
    }
    after = record.id;
  }
}

Result<void> Spool::ack(uint64_t id) {
  AG_CHECK(state_ != nullptr, "use of a moved-from Spool");
  State& s = *state_;
  const auto segment_index = s.segment_holding(id);
  if (!segment_index) {
    return {};
  }
  const auto record_index = s.segments[*segment_index].find(id);
  if (!record_index || s.segments[*segment_index].records()[*record_index].delivered) {
    return {};
  }
  return s.mark_delivered(*segment_index, *record_index);
}

Result<void> Spool::flush() {
  AG_CHECK(state_ != nullptr, "use of a moved-from Spool");
  return state_->flush();
}

SpoolStats Spool::stats() const noexcept {
  AG_CHECK(state_ != nullptr, "use of a moved-from Spool");
  SpoolStats stats = state_->counters;
  stats.segments = state_->segments.size();
  for (const SegmentFile& segment : state_->segments) {
    stats.pending_records += segment.pending_records();
    stats.pending_bytes += segment.pending_bytes();
  }
  return stats;
}

uint64_t Spool::take_evicted() noexcept {
  AG_CHECK(state_ != nullptr, "use of a moved-from Spool");
  return std::exchange(state_->untaken_drops, 0);
}

}  // namespace autograph::spool
