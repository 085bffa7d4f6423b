// `autograph keygen`, `autograph address` and `autograph sign-message`: the device key.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "autograph/signing/address.hpp"
#include "autograph/signing/eip191.hpp"
#include "autograph/signing/hex.hpp"
#include "autograph/signing/key_store.hpp"
#include "cli/cli_logger.hpp"
#include "cli/commands.hpp"

namespace autograph::cli {
namespace {

using signing::kDefaultKeyPath;

struct KeyOptions {
  std::string key_path = kDefaultKeyPath;
  std::string message_path;
};

int run_keygen(const KeyOptions& options) {
  auto address = signing::create_key_file(options.key_path);
  if (!address) {
    fmt::print(stderr, "autograph keygen: {}\n", address.error());
    return kExitFailure;
  }
  cli_logger()->info("created device key {} (mode 0600)", options.key_path);
  fmt::print("{}\n", address->to_checksum_hex());
  return kExitOk;
}

int run_address(const KeyOptions& options) {
  auto key = signing::load_key_file(options.key_path);
  if (!key) {
    fmt::print(stderr, "autograph address: {}\n", key.error());
    return kExitFailure;
  }
  cli_logger()->debug("loaded device key {}", options.key_path);
  fmt::print("{}\n", signing::address_of(*key).to_checksum_hex());
  return kExitOk;
}

int run_sign_message(const KeyOptions& options) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(options.message_path, error)) {
    fmt::print(stderr, "autograph sign-message: {} is not a readable regular file\n",
               options.message_path);
    return kExitFailure;
  }
  std::ifstream file(options.message_path, std::ios::binary);
  if (!file) {
    fmt::print(stderr, "autograph sign-message: cannot open {}\n", options.message_path);
    return kExitFailure;
  }
  const std::vector<uint8_t> message((std::istreambuf_iterator<char>(file)),
                                     std::istreambuf_iterator<char>());
  if (file.bad()) {
    fmt::print(stderr, "autograph sign-message: cannot read {}\n", options.message_path);
    return kExitFailure;
  }
  auto key = signing::load_key_file(options.key_path);
  if (!key) {
    fmt::print(stderr, "autograph sign-message: {}\n", key.error());
    return kExitFailure;
  }
  const auto logger = cli_logger();
  logger->debug("signing {} bytes of {} with the key in {}", message.size(), options.message_path,
                options.key_path);
  auto signature = signing::sign_message(*key, message);
  if (!signature) {
    fmt::print(stderr, "autograph sign-message: {}\n", signature.error());
    return kExitFailure;
  }
  logger->trace("EIP-191 digest {}", signing::to_0x_hex(signing::eip191_hash(message)));
  fmt::print("{}\n", signature->to_hex());
  return kExitOk;
}

void add_key_option(CLI::App& command, const std::shared_ptr<KeyOptions>& options) {
  command.add_option("--key", options->key_path, "device key file")->capture_default_str();
}

}  // namespace

void add_key_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<KeyOptions>();

  CLI::App* keygen = app.add_subcommand(
      "keygen", "create the device key (mode 0600, never overwrites) and print its address");
  add_key_option(*keygen, options);
  keygen->callback([options, &exit_code] { exit_code = run_keygen(*options); });

  CLI::App* address = app.add_subcommand("address", "print the device address");
  add_key_option(*address, options);
  address->callback([options, &exit_code] { exit_code = run_address(*options); });

  CLI::App* sign = app.add_subcommand(
      "sign-message",
      "print the EIP-191 (personal_sign) signature of FILE's exact bytes, as ethers "
      "signMessage or cast wallet sign would");
  add_key_option(*sign, options);
  sign->add_option("FILE", options->message_path, "message file")->required();
  sign->callback([options, &exit_code] { exit_code = run_sign_message(*options); });
}

}  // namespace autograph::cli
