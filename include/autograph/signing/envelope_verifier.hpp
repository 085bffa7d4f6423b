// Verifies one signed envelope (batch_envelope.hpp) as any receiver would: the signature over
// keccak256 of the exact `data` bytes in the text must recover to `subject`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/keccak256.hpp"

namespace autograph::signing {

// What a verified envelope says. Every field was covered by the signature except `type`,
// `source` and `time`, which are CloudEvents attributes outside `data`; `id` was checked against
// the signed `boot` and `seq` and the recovered signer.
struct VerifiedEnvelope {
  Address signer;  // recovered from the signature; equals `subject`
  std::string id;
  std::string type;
  std::string source;
  std::string time;
  std::string stream;   // data.stream
  uint64_t seq = 0;     // data.seq
  Hash256 prev{};       // data.prev
  Hash256 policy{};     // data.policy
  std::string boot;     // data.boot
  std::string data;     // the exact data bytes as they appear in the text
  Hash256 data_hash{};  // keccak256(data)
};

// Verifies `text`, one envelope. Checks, in order: the text is one JSON object without duplicate
// members; specversion "1.0", datacontenttype "application/json", string id/source/subject/type/
// time/signature and an object `data`; the signature recovers (see recover_address) from
// keccak256(data bytes) to the address in `subject`, and to `expected` if given; data has v = 1,
// stream, seq, prev and policy (0x + 64 hex) and boot; id is "<subject address>:<boot>:<seq>".
// Returns kMalformed naming the member and what is wrong (e.g. "signature was made by 0xAB.., not
// by subject 0xCD.."). Never aborts on any input. Thread-safe.
[[nodiscard]] Result<VerifiedEnvelope> verify_envelope(std::string_view text,
                                                       std::optional<Address> expected);

}  // namespace autograph::signing
