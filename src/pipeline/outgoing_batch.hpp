// OutgoingBatch: what the reactor hands the storage/publisher thread through the BoundedQueue.
#pragma once

#include <cstdint>
#include <string>

#include "autograph/signing/stream_signer.hpp"

namespace autograph::pipeline {

struct OutgoingBatch {
  std::string stream;            // grantee name: which spool and endpoint
  signing::SignedBatch batch;    // envelope text, seq, data hash
  uint64_t samples = 0;          // samples in it (what is lost if it is refused)
  signing::StreamCursor cursor;  // the stream's cursor after this batch, to persist
};

}  // namespace autograph::pipeline
