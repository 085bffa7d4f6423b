#include "spool/spool_state.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>

#include "spool/disk_format.hpp"

namespace autograph::spool {
namespace {

// The ack log is compacted once its garbage (entries of deleted segments) exceeds the live
// entries plus this many, so compaction stays rare and the log small.
constexpr uint64_t kCompactSlackEntries = 1024;

namespace fs = std::filesystem;

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
    for (const std::string& skipped : recovery->skipped) {
      log->error("{}: skipped a damaged record at {}; it is lost", path.string(), skipped);
    }
    counters.corrupt_records += recovery->skipped.size();
    untaken_drops += recovery->skipped.size();
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
  dir_dirty = true;  // repairs, the ack log and new files become durable before any append
  return sync_dir_if(true);
}

Spool::State::~State() {
  if (options.fsync == FsyncPolicy::kGroup && acks.has_value()) {
    if (auto flushed = flush(); !flushed) {
      log->error("closing without a final flush: {}", flushed.error());
    }
  }
}

Result<void> Spool::State::flush() {
  for (size_t i = 0; i < segments.size(); ++i) {
    if (auto synced = segments[i].sync_if_dirty(); !synced) {
      return synced;
    }
    if (i + 1 < segments.size() && segments[i].first_id() != reading_first_id) {
      segments[i].release_descriptor();
    }
  }
  if (auto synced = acks->sync_if_dirty(); !synced) {
    return synced;
  }
  return sync_dir_if(true);
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
  live.reserve(static_cast<size_t>(delivered_live));
  for (const SegmentFile& segment : segments) {
    for (const RecordIndex& record : segment.records()) {
      if (record.delivered) {
        live.push_back(record.id);
      }
    }
  }
  return acks->compact(live, dir);
}

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

}  // namespace autograph::spool
