// The signed batch: its `data` shape (DESIGN.md, "Batch envelope") and the CloudEvents 1.0
// envelope around it.
//
// `data` is serialised exactly once into bytes; the signature is secp256k1 over keccak256 of
// exactly those bytes, and the envelope embeds the same bytes unchanged, so anyone can check it
// with `ecrecover(keccak256(data)) == subject`. Nothing ever re-serialises `data`.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autograph/result.hpp"
#include "autograph/signing/keccak256.hpp"
#include "autograph/signing/secret_key.hpp"

namespace autograph::signing {

// CloudEvents `type` of signal batches and of status events.
inline constexpr std::string_view kSignalsEventType = "autograph.signals.v1";
inline constexpr std::string_view kStatusEventType = "autograph.status.v1";
// Version of the `data` shape written in its `v` member.
inline constexpr uint64_t kBatchDataVersion = 1;

// One sample: milliseconds after the batch's `from`, and the value in the signal's VSS unit.
struct BatchSample {
  uint64_t offset_ms = 0;
  double value = 0.0;
};

// The samples of one signal, in time order, under its VSS path ("Vehicle.Speed").
//
// A text signal (a VIN, a list of DTCs) has `texts`: its table of values, each a complete JSON
// value (a string or an array of strings) that is written into the batch as it is, and each
// sample's value is the index of its text there (an integer below texts->size(); anything else
// is a broken batcher and aborts). The table is borrowed and must outlive the serialisation.
struct SignalSeries {
  std::string path;
  std::vector<BatchSample> samples;
  const std::vector<std::string>* texts = nullptr;
};

// Samples dropped since the previous batch of the stream, by where they were lost.
struct DroppedCounts {
  uint64_t kernel = 0;  // socket receive queue overflow (SO_RXQ_OVFL)
  uint64_t queue = 0;   // reactor -> storage queue full
  uint64_t spool = 0;   // evicted from a full spool
  // Further counters, written after the three above in this order, e.g. {"policy_rate", 3}.
  std::vector<std::pair<std::string, uint64_t>> other;
};

// Whether the system clock was synchronised (NTP, GNSS) when the batch was made.
enum class ClockState { kSynced, kUnsynced };

// Where a batch sits in its stream's chain; the StreamSigner fills this in.
struct BatchPosition {
  std::string stream;  // grantee stream name
  uint64_t seq = 0;    // 0 for the first batch of a stream
  Hash256 prev{};      // keccak256 of the previous batch's data bytes; zeros before seq 0
  std::string boot;    // random per boot (generate_boot_id())
};

// What the batcher provides.
struct BatchBody {
  Hash256 policy{};  // keccak256 of the policy document in force
  ClockState clock = ClockState::kUnsynced;
  int64_t from_ms = 0;  // Unix epoch milliseconds of the window start
  int64_t to_ms = 0;    // and end
  DroppedCounts dropped;
  std::vector<SignalSeries> signals;  // unique paths, written in this order
};

// Returns the `data` bytes: {"v":1,"stream":..,"seq":..,"prev":"0x..","policy":"0x..",
// "boot":..,"clock":"synced"|"unsynced","from":..,"to":..,"dropped":{"kernel":..,"queue":..,
// "spool":..,...},"signals":{"<path>":[[offset_ms,value],...],...}}, compact, no whitespace;
// value is a number, or for a text signal its text (a JSON string or array).
// Aborts (AG_CHECK) on duplicate signal paths or duplicate dropped counter names (a broken
// batcher: a JSON object with a repeated member means different things to different readers).
std::string serialize_batch_data(const BatchPosition& position, const BatchBody& body);

// Formats a time as RFC 3339 UTC with milliseconds: "2026-11-26T20:14:37.123Z".
std::string format_rfc3339_utc(std::chrono::system_clock::time_point time);

// The CloudEvents attributes other than data and signature.
struct EnvelopeAttributes {
  std::string id;       // "<address without 0x>:<boot>:<seq>"
  std::string source;   // "autograph/<version>"
  std::string subject;  // "0x<checksummed device address>"
  std::string type;     // kSignalsEventType, kStatusEventType, ...
  std::string time;     // RFC 3339
};

// Signs keccak256(data) with `key` and returns the envelope text:
// {"specversion":"1.0","id":..,"source":..,"subject":..,"type":..,"time":..,
//  "datacontenttype":"application/json","data":<data, byte for byte>,"signature":"0x<65 bytes>"}
// `data` must be one JSON object (the caller made it with serialize_batch_data or JsonWriter).
// Errors only if signing fails (kInternal). Thread-safe.
[[nodiscard]] Result<std::string> build_envelope(const SecretKey& key,
                                                 const EnvelopeAttributes& attributes,
                                                 std::string_view data);

}  // namespace autograph::signing
