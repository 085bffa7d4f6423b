#include "autograph/signing/stream_signer.hpp"

#include <algorithm>
#include <span>
#include <utility>

#include "autograph/check.hpp"

#ifndef AUTOGRAPH_VERSION
#error "AUTOGRAPH_VERSION must be defined by the build"
#endif

namespace autograph::signing {
namespace {

bool is_boot_id(std::string_view boot) {
  return !boot.empty() && std::all_of(boot.begin(), boot.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '-';
  });
}

}  // namespace

StreamSigner::StreamSigner(const SecretKey& key, std::string stream, std::string boot,
                           StreamCursor cursor, std::string type, std::string source)
    : key_(key),
      address_(address_of(key)),
      subject_(address_.to_checksum_hex()),
      stream_(std::move(stream)),
      boot_(std::move(boot)),
      type_(std::move(type)),
      source_(source.empty() ? std::string("autograph/" AUTOGRAPH_VERSION) : std::move(source)),
      cursor_(cursor) {
  AG_CHECK(is_boot_id(boot_), "StreamSigner: boot id must be non-empty [0-9A-Za-z_-]");
  id_prefix_ = subject_.substr(2) + ":" + boot_ + ":";
}

Result<SignedBatch> StreamSigner::sign(const BatchBody& body,
                                       std::chrono::system_clock::time_point now) {
  const BatchPosition position{stream_, cursor_.next_seq, cursor_.prev, boot_};
  const std::string data = serialize_batch_data(position, body);
  EnvelopeAttributes attributes{id_prefix_ + std::to_string(cursor_.next_seq), source_, subject_,
                                type_, format_rfc3339_utc(now)};
  auto envelope = build_envelope(key_, attributes, data);
  if (!envelope) {
    return tl::unexpected(envelope.error());
  }
  SignedBatch batch{
      std::move(*envelope), cursor_.next_seq,
      keccak256(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()))};
  cursor_.next_seq += 1;
  cursor_.prev = batch.data_hash;
  return batch;
}

}  // namespace autograph::signing
