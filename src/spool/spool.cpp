#include "spool/spool.hpp"

#include <fcntl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <system_error>
#include <utility>

#include "autograph/check.hpp"
#include "spool/ack_log.hpp"
#include "spool/disk_format.hpp"
#include "spool/posix_file.hpp"
#include "spool/segment_file.hpp"

namespace autograph::spool {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMinMaxBytes = 16 * 1024;
constexpr uint64_t kMinSegmentBytes = 4 * 1024;
constexpr uint64_t kMaxRecordBytes = 1ull << 30;
// The ack log is compacted once its garbage (entries of deleted segments) exceeds the live
// entries plus this many, so compaction stays rare and the log small.
constexpr uint64_t kCompactSlackEntries = 1024;

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

// The segment files in `dir`, ordered by first id.
Result<std::vector<std::pair<uint64_t, fs::path>>> list_segments(const fs::path& dir) {
  std::vector<std::pair<uint64_t, fs::path>> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (const auto id = SegmentFile::parse_file_name(it->path().filename().string())) {
      found.emplace_back(*id, it->path());
    }
  }
  if (ec) {
    return fail(ErrorCode::kInternal, "list {}: {}", dir.string(), ec.message());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

struct Spool::State {
  SpoolOptions options;
  uint64_t segment_limit = 0;
  uint64_t max_record_bytes = 0;
  std::shared_ptr<spdlog::logger> log;
  PosixFile dir;                     // open and flock'ed for the life of the Spool
  std::deque<SegmentFile> segments;  // ascending ids; back() is the one appended to
  std::optional<AckLog> acks;        // set once open() has loaded it
  uint64_t next_id = 1;
  uint64_t total_bytes = 0;     // of all segment files, headers included
  uint64_t delivered_live = 0;  // delivered records still in segments: ack entries worth keeping
  uint64_t untaken_drops = 0;   // for take_evicted()
  uint64_t reading_first_id = 0;  // segment whose descriptor next_pending() keeps open
  bool dir_dirty = false;         // entries created or removed since the directory was synced
  SpoolStats counters;            // evicted_records, torn_bytes, corrupt_records

  bool durable() const { return options.fsync == FsyncPolicy::kEveryRecord; }

  Result<void> recover_segments();
  Result<void> apply_acks(std::vector<uint64_t> ids);
  Result<void> start_segment();
  Result<void> remove_segment(size_t index);
  Result<void> make_room(uint64_t framed_bytes);
  Result<void> evict_oldest();
  Result<void> mark_delivered(size_t segment_index, size_t record_index);
  Result<void> compact_acks();
  Result<void> sync_dir_if(bool now);
  std::optional<size_t> segment_holding(uint64_t id) const;
  std::optional<std::pair<size_t, size_t>> find_pending(uint64_t after) const;
  void note_read_from(size_t segment_index);
};

Spool::Spool(std::unique_ptr<State> state) : state_(std::move(state)) {}
Spool::Spool(Spool&&) noexcept = default;
Spool& Spool::operator=(Spool&&) noexcept = default;

Spool::~Spool() {
  if (state_ && state_->options.fsync == FsyncPolicy::kGroup) {
    if (auto flushed = flush(); !flushed) {
      state_->log->error("closing without a final flush: {}", flushed.error());
    }
  }
}

Result<Spool> Spool::open(const SpoolOptions& options) {
  if (auto valid = check_options(options); !valid) {
    return tl::unexpected(valid.error());
  }
  auto state = std::make_unique<State>();
  state->options = options;
  state->segment_limit = std::max(kMinSegmentBytes, std::min(options.segment_bytes,
                                                             options.max_bytes / 4));
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

Result<void> Spool::State::recover_segments() {
  auto listed = list_segments(options.dir);
  if (!listed) {
    return tl::unexpected(listed.error());
  }
  uint64_t min_id = 1;
  for (const auto& [first_id, path] : *listed) {
    auto recovery = SegmentFile::recover(path, first_id, min_id);
    if (!recovery) {
      return tl::unexpected(recovery.error());
    }
    if (recovery->torn_bytes > 0) {
      counters.torn_bytes += recovery->torn_bytes;
      log->error("{}: cut {} damaged bytes at offset {} ({}); records from there on are lost",
                 path.string(), recovery->torn_bytes, recovery->segment.size_bytes(),
                 recovery->torn_reason);
    }
    SegmentFile& segment = recovery->segment;
    segment.release_descriptor();
    min_id = std::max(min_id, first_id);
    if (!segment.records().empty()) {
      min_id = segment.records().back().id + 1;
    }
    total_bytes += segment.size_bytes();
    segments.push_back(std::move(segment));
  }
  next_id = std::max(next_id, min_id);
  return {};
}

// Marks acknowledged records delivered, deletes segments left with nothing to deliver, makes
// sure a segment exists to append to and compacts the ack log of garbage.
Result<void> Spool::State::apply_acks(std::vector<uint64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const uint64_t log_entries = acks->entries();
  for (const uint64_t id : ids) {
    if (const auto s = segment_holding(id)) {
      if (const auto r = segments[*s].find(id)) {
        segments[*s].mark_delivered(*r);
        ++delivered_live;
      }
    }
  }
  // Ids never go back below an acknowledged one, so a stale ack (for a record whose bytes were
  // torn off) can never mark a new record delivered.
  if (!ids.empty()) {
    next_id = std::max(next_id, ids.back() + 1);
  }
  for (size_t i = 0; i + 1 < segments.size();) {
    if (segments[i].pending_records() == 0) {
      if (auto removed = remove_segment(i); !removed) {
        return removed;
      }
    } else {
      ++i;
    }
  }
  if (segments.empty()) {
    if (auto started = start_segment(); !started) {
      return started;
    }
  }
  if (log_entries != delivered_live) {
    if (auto compacted = compact_acks(); !compacted) {
      return compacted;
    }
  }
  return sync_dir_if(true);  // repairs and new files above become durable before any append
}

Result<void> Spool::State::sync_dir_if(bool now) {
  if (now && dir_dirty) {
    if (auto synced = dir.sync(); !synced) {
      return synced;
    }
    dir_dirty = false;
  }
  return {};
}

Result<void> Spool::State::start_segment() {
  auto segment = SegmentFile::create(options.dir, next_id, durable());
  if (!segment) {
    return tl::unexpected(segment.error());
  }
  total_bytes += segment->size_bytes();
  segments.push_back(std::move(*segment));
  dir_dirty = true;
  return sync_dir_if(durable());
}

Result<void> Spool::State::remove_segment(size_t index) {
  SegmentFile& segment = segments[index];
  if (auto removed = segment.remove(); !removed) {
    return removed;
  }
  total_bytes -= segment.size_bytes();
  delivered_live -= segment.delivered_records();
  segments.erase(segments.begin() + static_cast<std::ptrdiff_t>(index));
  dir_dirty = true;
  return sync_dir_if(durable());
}

Result<void> Spool::State::make_room(uint64_t framed_bytes) {
  for (;;) {
    const SegmentFile& active = segments.back();
    const bool rotate = active.size_bytes() >= segment_limit && !active.records().empty();
    const uint64_t need = framed_bytes + (rotate ? disk::kSegmentHeaderBytes : 0);
    if (total_bytes + need <= options.max_bytes) {
      if (!rotate) {
        return {};
      }
      if (auto started = start_segment(); !started) {
        return started;
      }
      SegmentFile& sealed = segments[segments.size() - 2];
      if (sealed.pending_records() == 0) {
        return remove_segment(segments.size() - 2);
      }
      sealed.release_descriptor();
      return {};
    }
    // Termination: each pass removes a segment; an empty spool (one header) always has room,
    // as records are at most max_bytes / 2 and max_bytes is at least 16 KiB.
    if (auto evicted = evict_oldest(); !evicted) {
      return evicted;
    }
  }
}

Result<void> Spool::State::evict_oldest() {
  const SegmentFile& oldest = segments.front();
  const uint64_t count = oldest.pending_records();
  uint64_t first = 0;
  uint64_t last = 0;
  for (const RecordIndex& record : oldest.records()) {
    if (!record.delivered) {
      first = first == 0 ? record.id : first;
      last = record.id;
    }
  }
  const std::string path = oldest.path().string();
  const bool was_active = segments.size() == 1;
  if (auto removed = remove_segment(0); !removed) {
    return removed;
  }
  if (count > 0) {
    counters.evicted_records += count;
    untaken_drops += count;
    log->error("{}: spool full (max_bytes {}): evicted {} undelivered records, ids {}..{}, from {}",
               options.dir.string(), options.max_bytes, count, first, last, path);
  }
  return was_active ? start_segment() : Result<void>{};
}

std::optional<size_t> Spool::State::segment_holding(uint64_t id) const {
  const auto it = std::upper_bound(
      segments.begin(), segments.end(), id,
      [](uint64_t value, const SegmentFile& segment) { return value < segment.first_id(); });
  if (it == segments.begin()) {
    return std::nullopt;
  }
  return static_cast<size_t>(it - segments.begin()) - 1;
}

Result<void> Spool::State::mark_delivered(size_t segment_index, size_t record_index) {
  SegmentFile& segment = segments[segment_index];
  if (auto logged = acks->append(segment.records()[record_index].id, durable()); !logged) {
    return logged;
  }
  segment.mark_delivered(record_index);
  ++delivered_live;
  if (segment.pending_records() == 0 && segment_index + 1 < segments.size()) {
    if (auto removed = remove_segment(segment_index); !removed) {
      return removed;
    }
  }
  if (acks->entries() > 2 * delivered_live + kCompactSlackEntries) {
    return compact_acks();
  }
  return {};
}

Result<void> Spool::State::compact_acks() {
  std::vector<uint64_t> live;
  live.reserve(delivered_live);
  for (const SegmentFile& segment : segments) {
    for (const RecordIndex& record : segment.records()) {
      if (record.delivered) {
        live.push_back(record.id);
      }
    }
  }
  return acks->compact(live, dir);
}

// (segment index, record index) of the first undelivered record with an id above `after`.
std::optional<std::pair<size_t, size_t>> Spool::State::find_pending(uint64_t after) const {
  for (size_t i = segment_holding(after + 1).value_or(0); i < segments.size(); ++i) {
    const SegmentFile& segment = segments[i];
    if (segment.pending_records() == 0) {
      continue;
    }
    const auto& records = segment.records();
    auto it = std::upper_bound(records.begin(), records.end(), after,
                               [](uint64_t value, const RecordIndex& r) { return value < r.id; });
    it = std::find_if(it, records.end(), [](const RecordIndex& r) { return !r.delivered; });
    if (it != records.end()) {
      return std::pair(i, static_cast<size_t>(it - records.begin()));
    }
  }
  return std::nullopt;
}

void Spool::State::note_read_from(size_t segment_index) {
  const uint64_t first_id = segments[segment_index].first_id();
  if (first_id == reading_first_id) {
    return;
  }
  if (const auto previous = segment_holding(reading_first_id);
      previous && *previous + 1 < segments.size() &&
      segments[*previous].first_id() == reading_first_id) {
    segments[*previous].release_descriptor();
  }
  reading_first_id = first_id;
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
  State& s = *state_;
  for (size_t i = 0; i < s.segments.size(); ++i) {
    if (auto synced = s.segments[i].sync_if_dirty(); !synced) {
      return synced;
    }
    if (i + 1 < s.segments.size() && s.segments[i].first_id() != s.reading_first_id) {
      s.segments[i].release_descriptor();
    }
  }
  if (auto synced = s.acks->sync_if_dirty(); !synced) {
    return synced;
  }
  return s.sync_dir_if(true);
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
