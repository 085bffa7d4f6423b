// StreamSigner: turns the batches of one stream (one grantee) into signed, chained envelopes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/batch_envelope.hpp"
#include "autograph/signing/keccak256.hpp"
#include "autograph/signing/secret_key.hpp"

namespace autograph::signing {

// One signed batch, ready for the spool.
struct SignedBatch {
  std::string envelope;  // the CloudEvents JSON text, one line, no trailing newline
  uint64_t seq = 0;
  Hash256 data_hash{};  // keccak256 of the data bytes: the next batch's `prev`
};

// Where a stream continues: the batcher persists this (e.g. from the spool's last batch) so that a
// restart continues the chain instead of starting a second seq 0.
struct StreamCursor {
  uint64_t next_seq = 0;
  Hash256 prev{};  // zeros for seq 0
};

// Holds a reference to the device key (which must outlive the signer), the device address, the
// stream name, the boot id and the chain position. Used by one thread (the reactor).
class StreamSigner {
 public:
  // `boot` must be non-empty and contain only [0-9A-Za-z_-], since it is part of the `id`
  // "<address>:<boot>:<seq>" (AG_CHECK). `source` is "autograph/<version>" unless given.
  StreamSigner(const SecretKey& key, std::string stream, std::string boot, StreamCursor cursor = {},
               std::string type = std::string(kSignalsEventType), std::string source = {});

  // Serialises `body` as the next batch of the stream (seq = next_seq, prev = hash of the last
  // batch), signs it and builds the envelope with `time` = now. Advances the cursor only on
  // success. Errors: kInternal if signing fails, leaving the cursor unchanged.
  [[nodiscard]] Result<SignedBatch> sign(const BatchBody& body,
                                         std::chrono::system_clock::time_point now);

  const Address& address() const noexcept { return address_; }
  const std::string& stream() const noexcept { return stream_; }
  const std::string& boot() const noexcept { return boot_; }
  StreamCursor cursor() const noexcept { return cursor_; }

 private:
  const SecretKey& key_;
  Address address_;
  std::string subject_;    // "0x" + checksummed address
  std::string id_prefix_;  // "<checksummed address without 0x>:<boot>:"
  std::string stream_;
  std::string boot_;
  std::string type_;
  std::string source_;
  StreamCursor cursor_;
};

}  // namespace autograph::signing
