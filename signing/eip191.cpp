#include "autograph/signing/eip191.hpp"

#include <fmt/format.h>

#include <string_view>

namespace autograph::signing {

Hash256 eip191_hash(std::span<const uint8_t> message) noexcept {
  static constexpr std::string_view kPrefix =
      "\x19"
      "Ethereum Signed Message:\n";
  Keccak256 hasher;
  hasher.update(std::span(reinterpret_cast<const uint8_t*>(kPrefix.data()), kPrefix.size()));
  const auto length = fmt::format_int(message.size());
  hasher.update(std::span(reinterpret_cast<const uint8_t*>(length.data()), length.size()));
  hasher.update(message);
  return hasher.finish();
}

Result<Signature> sign_message(const SecretKey& key, std::span<const uint8_t> message) {
  return sign_digest(key, eip191_hash(message));
}

Result<Address> recover_message_signer(std::span<const uint8_t> message,
                                       const Signature& signature) {
  return recover_address(eip191_hash(message), signature);
}

}  // namespace autograph::signing
