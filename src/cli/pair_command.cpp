// `autograph pair --owner 0xADDR [--sig FILE]`: tells the device whose signature its policies
// need (see policy/owner_pairing.hpp for the owner-change statement).
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "autograph/signing/key_store.hpp"
#include "cli/commands.hpp"
#include "policy/owner_pairing.hpp"
#include "policy/policy_envelope.hpp"
#include "policy/state_directory.hpp"

namespace autograph::cli {
namespace {

struct PairOptions {
  std::string owner;
  std::string sig;
  std::string key = signing::kDefaultKeyPath;
  std::string state = "/var/lib/autograph";
};

Result<std::optional<signing::Signature>> read_transfer(const std::string& path) {
  if (path.empty()) {
    return std::optional<signing::Signature>();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail(ErrorCode::kUnavailable, "{}: cannot open", path);
  }
  std::ostringstream text;
  text << file.rdbuf();
  auto signature = signing::Signature::parse_hex(policy::trim_signature_text(text.str()));
  if (!signature) {
    return tl::unexpected(signature.error().with_context(path));
  }
  return std::optional<signing::Signature>(*signature);
}

int run_pair(const PairOptions& options) {
  auto owner = signing::Address::parse(options.owner);
  if (!owner) {
    fmt::print(stderr, "autograph pair: --owner: {}\n", owner.error().message());
    return kExitFailure;
  }
  auto transfer = read_transfer(options.sig);
  if (!transfer) {
    fmt::print(stderr, "autograph pair: --sig: {}\n", transfer.error().message());
    return kExitFailure;
  }
  auto key = signing::load_key_file(options.key);
  if (!key) {
    fmt::print(stderr, "autograph pair: device key: {}\n", key.error().message());
    return kExitFailure;
  }
  const signing::Address device = signing::address_of(*key);
  auto state = policy::StateDirectory::open(options.state);
  if (!state) {
    fmt::print(stderr, "autograph pair: {}\n", state.error().message());
    return kExitFailure;
  }
  if (auto paired = policy::pair_owner(*state, device, *owner, *transfer); !paired) {
    fmt::print(stderr, "autograph pair: {}\n", paired.error().message());
    return kExitFailure;
  }
  fmt::print("Device {} is paired with owner {}.\n", device.to_checksum_hex(),
             owner->to_checksum_hex());
  return kExitOk;
}

}  // namespace

void add_pair_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PairOptions>();
  CLI::App* pair = app.add_subcommand("pair", "record the owner whose signature policies need");
  pair->add_option("--owner", options->owner, "the owner's address (0x + 40 hex)")->required();
  pair->add_option("--sig", options->sig,
                   "to change the owner: the current owner's signature file over "
                   "\"autograph pair <device> <new owner>\"");
  pair->add_option("--key", options->key, "device key file")->capture_default_str();
  pair->add_option("--state", options->state, "state directory")->capture_default_str();
  pair->callback([options, &exit_code] { exit_code = run_pair(*options); });
}

}  // namespace autograph::cli
