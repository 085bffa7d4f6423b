#include "autograph/signing/batch_envelope.hpp"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <set>

#include "autograph/check.hpp"
#include "autograph/signing/hex.hpp"
#include "autograph/signing/json_writer.hpp"
#include "autograph/signing/signature.hpp"

namespace autograph::signing {
namespace {

void write_dropped(JsonWriter& writer, const DroppedCounts& dropped) {
  std::set<std::string_view> names = {"kernel", "queue", "spool"};
  writer.begin_object();
  writer.key("kernel");
  writer.unsigned_integer(dropped.kernel);
  writer.key("queue");
  writer.unsigned_integer(dropped.queue);
  writer.key("spool");
  writer.unsigned_integer(dropped.spool);
  for (const auto& [name, count] : dropped.other) {
    AG_CHECK(names.insert(name).second, "serialize_batch_data: duplicate dropped counter name");
    writer.key(name);
    writer.unsigned_integer(count);
  }
  writer.end_object();
}

void write_signals(JsonWriter& writer, const std::vector<SignalSeries>& signals) {
  std::set<std::string_view> paths;
  writer.begin_object();
  for (const SignalSeries& series : signals) {
    AG_CHECK(paths.insert(series.path).second, "serialize_batch_data: duplicate signal path");
    writer.key(series.path);
    writer.begin_array();
    for (const BatchSample& sample : series.samples) {
      writer.begin_array();
      writer.unsigned_integer(sample.offset_ms);
      if (series.texts == nullptr) {
        writer.number(sample.value);
      } else {
        const double count = static_cast<double>(series.texts->size());
        AG_CHECK(sample.value >= 0 && sample.value < count &&
                     sample.value == static_cast<double>(static_cast<size_t>(sample.value)),
                 "serialize_batch_data: a text signal's value is not an index of its texts");
        writer.raw((*series.texts)[static_cast<size_t>(sample.value)]);
      }
      writer.end_array();
    }
    writer.end_array();
  }
  writer.end_object();
}

}  // namespace

std::string serialize_batch_data(const BatchPosition& position, const BatchBody& body) {
  std::string out;
  // About 12 bytes per sample plus the fixed members; one allocation for typical batches.
  size_t samples = 0;
  for (const SignalSeries& series : body.signals) {
    samples += series.samples.size();
  }
  out.reserve(512 + 16 * samples);
  JsonWriter writer(out);
  writer.begin_object();
  writer.key("v");
  writer.unsigned_integer(kBatchDataVersion);
  writer.key("stream");
  writer.string(position.stream);
  writer.key("seq");
  writer.unsigned_integer(position.seq);
  writer.key("prev");
  writer.string(to_0x_hex(position.prev));
  writer.key("policy");
  writer.string(to_0x_hex(body.policy));
  writer.key("boot");
  writer.string(position.boot);
  writer.key("clock");
  writer.string(body.clock == ClockState::kSynced ? "synced" : "unsynced");
  writer.key("from");
  writer.integer(body.from_ms);
  writer.key("to");
  writer.integer(body.to_ms);
  writer.key("dropped");
  write_dropped(writer, body.dropped);
  writer.key("signals");
  write_signals(writer, body.signals);
  writer.end_object();
  return out;
}

std::string format_rfc3339_utc(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const int64_t millis = ms - seconds * 1000;
  const auto t = static_cast<time_t>(seconds);
  struct tm utc {};
  if (gmtime_r(&t, &utc) == nullptr) {
    return "1970-01-01T00:00:00.000Z";
  }
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

Result<std::string> build_envelope(const SecretKey& key, const EnvelopeAttributes& attributes,
                                   std::string_view data) {
  const Hash256 digest =
      keccak256(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  auto signature = sign_digest(key, digest);
  if (!signature) {
    return tl::unexpected(signature.error());
  }
  std::string out;
  out.reserve(data.size() + 512);
  JsonWriter writer(out);
  writer.begin_object();
  writer.key("specversion");
  writer.string("1.0");
  writer.key("id");
  writer.string(attributes.id);
  writer.key("source");
  writer.string(attributes.source);
  writer.key("subject");
  writer.string(attributes.subject);
  writer.key("type");
  writer.string(attributes.type);
  writer.key("time");
  writer.string(attributes.time);
  writer.key("datacontenttype");
  writer.string("application/json");
  writer.key("data");
  writer.raw(data);
  writer.key("signature");
  writer.string(signature->to_hex());
  writer.end_object();
  return out;
}

}  // namespace autograph::signing
