// Fuzz target: the envelope verifier and the JSON scanner under it get arbitrary bytes, as they
// do from the network and from `autograph verify`. Any input must give a result or an Error,
// never a crash, hang or sanitizer report.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "autograph/signing/batch_envelope.hpp"
#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "autograph/signing/json_scanner.hpp"
#include "autograph/signing/secret_key.hpp"

namespace {

// Random bytes almost never carry a valid signature, so on their own they would never reach the
// checks of the signed `data`. An input that is a JSON object is therefore also signed as `data`
// with a fixed key and verified, which drives those checks with arbitrary data.
void verify_as_signed_data(std::string_view text) {
  using namespace autograph::signing;
  static const SecretKey key = [] {
    std::array<uint8_t, 32> one{};
    one[31] = 1;
    return std::move(SecretKey::from_bytes(one).value());
  }();
  if (!scan_json_object(text)) {
    return;
  }
  const EnvelopeAttributes attributes{"7E5F4552091A69125d5DfCb7b8C2659029395Bdf:b:0", "fuzz",
                                      "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
                                      "autograph.signals.v1", "now"};
  if (auto envelope = build_envelope(key, attributes, text)) {
    (void)verify_envelope(*envelope, std::nullopt);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace autograph::signing;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ChainVerifier chain;
  if (auto verified = verify_envelope(text, std::nullopt)) {
    chain.add(*verified);
    chain.add(*verified);
    (void)chain.findings();
  }
  // `autograph verify` reads a JSON array of envelopes the same way.
  if (auto elements = scan_json_array(text)) {
    for (const JsonElement& element : *elements) {
      if (auto verified = verify_envelope(element.raw, std::nullopt)) {
        chain.add(*verified);
      }
      if (element.kind == JsonKind::kString) {
        (void)decode_json_string(element.raw);
      } else if (element.kind == JsonKind::kNumber) {
        (void)parse_json_uint(element.raw);
      }
    }
    (void)chain.findings();
  }
  verify_as_signed_data(text);
  return 0;
}
