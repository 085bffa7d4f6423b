// Spool: signed batches on flash until the endpoint has acknowledged them.
//
// One spool per stream (grantee), in its own directory. Records are appended to segment files
// (`<first-id>.seg`), each record length-prefixed and protected by a CRC32C; an acknowledgement
// marks a record delivered, durably, and a segment whose records are all delivered is deleted.
// Opening a spool recovers from kill -9 or power loss: a torn or corrupt tail is cut off (and
// counted in torn_bytes), a damaged record in the middle of a segment (one that an intact
// record follows) is skipped (and counted in corrupt_records), and every record not
// acknowledged is delivered again (at least once; subscribers dedupe by the batch's `seq`).
// The spool is bounded by bytes: when an append would exceed the bound, the oldest undelivered
// records are evicted and counted, never silently lost. On-disk format: disk_format.hpp.
//
// Thread: a Spool is owned by one thread (the storage/publisher thread); it has no locks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "autograph/result.hpp"

namespace autograph::spool {

// Whatever the policy, open() makes its repairs durable, and the ack log's compaction (a
// rename) is always synced, so a crash never leaves a half-written ack log.
enum class FsyncPolicy : uint8_t {
  kEveryRecord,  // fdatasync after every append and ack, and fsync of the directory when a
                 // segment is created or deleted (default: batches come about once a second)
  kGroup,        // fsync only in flush(): the caller groups several appends into one commit
};

struct SpoolOptions {
  std::filesystem::path dir;            // created if missing (mode 0700)
  uint64_t max_bytes = 64ull << 20;     // bound on the bytes of all segment files (>= 16 KiB)
  uint64_t segment_bytes = 1ull << 20;  // a segment is closed once it reaches this size
                                        // (>= 4 KiB; capped at max_bytes / 4, because eviction
                                        // removes whole segments and must not empty the spool)
  FsyncPolicy fsync = FsyncPolicy::kEveryRecord;
};

// A record handed back for delivery. `id` starts at 1 and increases by one per successful
// append over the life of the spool directory (it survives restarts; after a crash the ids of
// records cut off as torn may be used again, but never the id of an acknowledged record).
struct SpoolRecord {
  uint64_t id = 0;
  std::vector<uint8_t> bytes;
};

// Counters since open(); `evicted` and `torn` are losses to report in the next batch and log.
struct SpoolStats {
  uint64_t pending_records = 0;  // appended, not yet acknowledged
  uint64_t pending_bytes = 0;
  uint64_t segments = 0;
  uint64_t evicted_records = 0;  // dropped because the spool was full
  uint64_t torn_bytes = 0;       // cut off a damaged tail during recovery
  uint64_t corrupt_records = 0;  // damaged on flash and dropped: found when read back for
                                 // delivery, or found in the middle of a segment by recovery
                                 // (counted again at each open until that segment is deleted)
};

class Spool {
 public:
  // Opens (and recovers) the spool in options.dir. Errors: kFailedPrecondition when the
  // directory can't be created or used (not a directory, not writable, already opened by another
  // Spool in this or another process: an exclusive flock guards it), when the options are out
  // of range, or when a file there has another format version; kUnavailable when the device is
  // full; kDataLoss never (damage is cut off, counted in torn_bytes and logged at error level);
  // kInternal for unexpected I/O failures. Each error names the path.
  [[nodiscard]] static Result<Spool> open(const SpoolOptions& options);

  Spool(Spool&&) noexcept;
  Spool& operator=(Spool&&) noexcept;
  // Under kGroup, makes a last best-effort flush() (a failure is logged, not returned: call
  // flush() first to learn of it). A moved-from Spool may only be destroyed or assigned to.
  ~Spool();

  // Appends one record (1 byte .. min(max_bytes/2, 1 GiB)) and returns its id. Makes room by
  // evicting the oldest segments (their undelivered records are counted in evicted_records and
  // take_evicted(), and logged at error level with their ids) when the bound would be exceeded.
  // Durable on return when the policy is kEveryRecord. Errors: kMalformed for a size out of
  // range (nothing stored), kUnavailable when the device is full, kInternal for other I/O
  // failures; after an error the record is not stored and its id is not used.
  [[nodiscard]] Result<uint64_t> append(std::span<const uint8_t> bytes);

  // The oldest undelivered record whose id is greater than `after` (0: from the start), or
  // nullopt when there is none. The publisher walks the spool with this while acks are pending.
  // A record whose bytes no longer match their CRC is dropped (acknowledged, counted in
  // corrupt_records and take_evicted(), logged at error level) and the next one is returned.
  // Errors: I/O failures naming the segment file.
  [[nodiscard]] Result<std::optional<SpoolRecord>> next_pending(uint64_t after);

  // Marks record `id` delivered (acknowledgements may arrive out of order; unknown or already
  // acknowledged ids are ignored). Deletes segments whose records are all delivered, except the
  // one being appended to. Durable on return when the policy is kEveryRecord.
  [[nodiscard]] Result<void> ack(uint64_t id);

  // Makes every append and ack so far durable (fsync of segment, ack log and directory).
  [[nodiscard]] Result<void> flush();

  SpoolStats stats() const noexcept;

  // Returns the number of records evicted or dropped as corrupt since the last call and resets
  // it: what goes into the next batch's `dropped.spool` counter.
  uint64_t take_evicted() noexcept;

 private:
  struct State;
  explicit Spool(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace autograph::spool
