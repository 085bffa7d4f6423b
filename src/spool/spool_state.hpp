// Spool::State: the spool's segments, ack log and counters, and the operations on them that
// keep the invariants below. Private to spool.cpp and spool_state.cpp.
//
// Invariants: `segments` is never empty once open() returns and is ordered by id; back() is the
// segment appended to and is never deleted for being fully delivered (its name carries the next
// id across restarts when everything else is gone); every other segment has at least one
// undelivered record; total_bytes is the sum of the segment files' sizes and stays within
// options.max_bytes.
//
// Thread: owned by the Spool's thread.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "spool/ack_log.hpp"
#include "spool/posix_file.hpp"
#include "spool/segment_file.hpp"
#include "spool/spool.hpp"

namespace autograph::spool {

struct Spool::State {
  SpoolOptions options;
  uint64_t segment_limit = 0;
  uint64_t max_record_bytes = 0;
  std::shared_ptr<spdlog::logger> log;
  PosixFile dir;                     // open and flock'ed for the life of the Spool
  std::deque<SegmentFile> segments;  // ascending ids; back() is the one appended to
  std::optional<AckLog> acks;        // set once open() has loaded it
  uint64_t next_id = 1;
  uint64_t total_bytes = 0;       // of all segment files, headers included
  uint64_t delivered_live = 0;    // delivered records still in segments: ack entries worth keeping
  uint64_t untaken_drops = 0;     // for take_evicted()
  uint64_t reading_first_id = 0;  // segment whose descriptor next_pending() keeps open
  bool dir_dirty = false;         // entries created or removed since the directory was synced
  SpoolStats counters;            // evicted_records, torn_bytes, corrupt_records

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  // Under kGroup, a last best-effort flush() (logged when it fails).
  ~State();

  bool durable() const { return options.fsync == FsyncPolicy::kEveryRecord; }

  // Syncs dirty segments, the ack log and the directory; releases descriptors no longer needed.
  [[nodiscard]] Result<void> flush();

  // Opening, in this order: index every segment in the directory (cutting damaged tails,
  // counting them in torn_bytes and logging them), then apply the acknowledged `ids` from the
  // ack log, delete segments with nothing left to deliver, create the first segment of a new
  // spool, compact the ack log and sync the directory. Errors name the file.
  [[nodiscard]] Result<void> recover_segments();
  [[nodiscard]] Result<void> apply_acks(std::vector<uint64_t> ids);

  // Creates a segment starting at next_id and makes it back(); durable under kEveryRecord.
  [[nodiscard]] Result<void> start_segment();
  // Deletes segments[index] (its undelivered records are gone: callers count them first).
  [[nodiscard]] Result<void> remove_segment(size_t index);
  // Rotates back() when it is full and evicts the oldest segments until a record of
  // `framed_bytes` (header included) fits within max_bytes.
  [[nodiscard]] Result<void> make_room(uint64_t framed_bytes);
  // Deletes the oldest segment, counting and logging its undelivered records.
  [[nodiscard]] Result<void> evict_oldest();
  // Records the delivery in the ack log, then in memory; deletes the segment when that was its
  // last undelivered record (unless it is back()); compacts the ack log when due.
  [[nodiscard]] Result<void> mark_delivered(size_t segment_index, size_t record_index);
  // Rewrites the ack log with the delivered ids of the live segments.
  [[nodiscard]] Result<void> compact_acks();
  // fsync of the directory when `now` and entries changed since the last one.
  [[nodiscard]] Result<void> sync_dir_if(bool now);

  // Index of the segment whose id range holds `id` (the last one starting at or before it).
  std::optional<size_t> segment_holding(uint64_t id) const;
  // (segment index, record index) of the first undelivered record with an id above `after`.
  std::optional<std::pair<size_t, size_t>> find_pending(uint64_t after) const;
  // Keeps the descriptor of the segment being read open and releases the previous one.
  void note_read_from(size_t segment_index);
};

}  // namespace autograph::spool
