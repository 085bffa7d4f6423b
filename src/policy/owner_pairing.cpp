#include "policy/owner_pairing.hpp"

#include <span>

#include <fmt/format.h>

#include "autograph/signing/eip191.hpp"

namespace autograph::policy {

std::string ownership_transfer_statement(const signing::Address& device,
                                         const signing::Address& new_owner) {
  return fmt::format("autograph pair {} {}", device.to_checksum_hex(), new_owner.to_checksum_hex());
}

Result<void> pair_owner(const StateDirectory& state, const signing::Address& device,
                        const signing::Address& new_owner,
                        const std::optional<signing::Signature>& transfer) {
  auto current = state.read_owner();
  if (!current) {
    return tl::unexpected(current.error());
  }
  if (!*current) {
    if (transfer) {
      return fail(ErrorCode::kFailedPrecondition,
                  "{}: the device is not paired yet; pair it without a signature",
                  state.path().string());
    }
    return state.write_owner(new_owner);
  }
  const signing::Address& owner = **current;
  if (owner == new_owner) {
    return fail(ErrorCode::kFailedPrecondition, "{}: already paired with {}", state.path().string(),
                owner.to_checksum_hex());
  }
  const std::string statement = ownership_transfer_statement(device, new_owner);
  if (!transfer) {
    return fail(ErrorCode::kFailedPrecondition,
                "{}: already paired with {}; to change the owner, the current owner signs the "
                "message \"{}\" (EIP-191 personal_sign) and you pass it with --sig FILE",
                state.path().string(), owner.to_checksum_hex(), statement);
  }
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(statement.data()),
                                       statement.size());
  auto signer = signing::recover_message_signer(bytes, *transfer);
  if (!signer) {
    return fail(ErrorCode::kMalformed, "owner change signature: {}", signer.error().message());
  }
  if (*signer != owner) {
    return fail(ErrorCode::kFailedPrecondition,
                "owner change: \"{}\" was signed by {}, not by the current owner {}", statement,
                signer->to_checksum_hex(), owner.to_checksum_hex());
  }
  if (auto written = state.write_owner(new_owner); !written) {
    return written;
  }
  return state.remove_policy_in_force();
}

}  // namespace autograph::policy
