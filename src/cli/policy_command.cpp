// `autograph policy apply|check|sign`: the owner's signed policy from the command line.
#include <fstream>
#include <iostream>
#include <memory>
#include <span>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "autograph/signing/eip191.hpp"
#include "autograph/signing/key_store.hpp"
#include "cli/commands.hpp"
#include "policy/policy_envelope.hpp"
#include "policy/policy_parser.hpp"
#include "policy/policy_summary.hpp"
#include "policy/policy_verifier.hpp"
#include "policy/state_directory.hpp"

namespace autograph::cli {
namespace {

struct PolicyOptions {
  std::string key = signing::kDefaultKeyPath;
  std::string state = "/var/lib/autograph";
  std::string file;
  std::string sig;       // default: <file>.sig
  std::string envelope;  // sign: also write the MQTT policy envelope here
};

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail(ErrorCode::kUnavailable, "{}: cannot open", path);
  }
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad()) {
    return fail(ErrorCode::kUnavailable, "{}: read failed", path);
  }
  return bytes.str();
}

// The device's verifier: its key gives its address, the state directory its owner and history.
struct DeviceContext {
  std::unique_ptr<policy::StateDirectory> state;
  policy::SystemClock clock;
  std::unique_ptr<policy::PolicyVerifier> verifier;
};

Result<std::unique_ptr<DeviceContext>> open_device(const PolicyOptions& options) {
  auto key = signing::load_key_file(options.key);
  if (!key) {
    return tl::unexpected(key.error().with_context("device key"));
  }
  const signing::Address device = signing::address_of(*key);
  auto state = policy::StateDirectory::open(options.state);
  if (!state) {
    return tl::unexpected(state.error());
  }
  auto context = std::make_unique<DeviceContext>();
  context->state = std::make_unique<policy::StateDirectory>(std::move(*state));
  auto verifier = policy::PolicyVerifier::open(*context->state, device, context->clock);
  if (!verifier) {
    return tl::unexpected(verifier.error());
  }
  context->verifier = std::make_unique<policy::PolicyVerifier>(std::move(*verifier));
  return context;
}

struct Inputs {
  std::string text;
  std::string signature;
};

Result<Inputs> read_inputs(const PolicyOptions& options) {
  auto text = read_whole_file(options.file);
  if (!text) {
    return tl::unexpected(text.error());
  }
  const std::string sig_path = options.sig.empty() ? options.file + ".sig" : options.sig;
  auto signature = read_whole_file(sig_path);
  if (!signature) {
    // A missing signature is the verifier's refusal (bad signature), not an I/O failure.
    return Inputs{std::move(*text), ""};
  }
  return Inputs{std::move(*text), std::move(*signature)};
}

void print_refusal(std::string_view command, const policy::Refusal& refusal) {
  fmt::print(stderr, "autograph policy {}: refused ({}): {}\n", command,
             policy::to_string(refusal.reason), refusal.message);
}

int run_apply(const PolicyOptions& options) {
  auto inputs = read_inputs(options);
  if (!inputs) {
    fmt::print(stderr, "autograph policy apply: {}\n", inputs.error().message());
    return kExitFailure;
  }
  auto device = open_device(options);
  if (!device) {
    fmt::print(stderr, "autograph policy apply: {}\n", device.error().message());
    return kExitFailure;
  }
  auto applied = (*device)->verifier->apply(inputs->text, inputs->signature, options.file);
  if (!applied) {
    print_refusal("apply", applied.error());
    return kExitFailure;
  }
  fmt::print("Applied policy version {} from {}; it is in force from now on.\n",
             (*applied)->policy.version, options.file);
  return kExitOk;
}

int run_check(const PolicyOptions& options) {
  auto inputs = read_inputs(options);
  if (!inputs) {
    fmt::print(stderr, "autograph policy check: {}\n", inputs.error().message());
    return kExitFailure;
  }
  auto parsed = policy::parse_policy(inputs->text, options.file);
  if (!parsed) {
    fmt::print(stderr, "autograph policy check: refused ({}): {}\n",
               policy::to_string(policy::RefusalReason::kSchema), parsed.error().message());
    return kExitFailure;
  }
  fmt::print("{}", policy::describe_policy(*parsed));
  auto device = open_device(options);
  if (!device) {
    fmt::print(stderr, "autograph policy check: cannot verify: {}\n", device.error().message());
    return kExitFailure;
  }
  auto verified = (*device)->verifier->check(inputs->text, inputs->signature, options.file);
  if (!verified) {
    print_refusal("check", verified.error());
    return kExitFailure;
  }
  fmt::print(
      "Signature: valid, by the owner of this device; `autograph policy apply` would "
      "accept it.\n");
  return kExitOk;
}

// Writes the envelope for the policy topic (docs/policy.md) to options.envelope.
int write_envelope(const PolicyOptions& options, const std::string& document,
                   const signing::Signature& signature) {
  Result<std::string> envelope = policy::make_policy_envelope(document, signature);
  if (!envelope) {
    fmt::print(stderr, "autograph policy sign: {}: {}\n", options.file, envelope.error().message());
    return kExitFailure;
  }
  std::ofstream out(options.envelope, std::ios::binary | std::ios::trunc);
  out << *envelope;
  out.close();
  if (!out) {
    fmt::print(stderr, "autograph policy sign: {}: write failed\n", options.envelope);
    return kExitFailure;
  }
  fmt::print("Policy envelope for the MQTT policy topic in {}.\n", options.envelope);
  return kExitOk;
}

int run_sign(const PolicyOptions& options) {
  auto text = read_whole_file(options.file);
  if (!text) {
    fmt::print(stderr, "autograph policy sign: {}\n", text.error().message());
    return kExitFailure;
  }
  auto key = signing::load_key_file(options.key);
  if (!key) {
    fmt::print(stderr, "autograph policy sign: owner key: {}\n", key.error().message());
    return kExitFailure;
  }
  const std::string& document = *text;
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(document.data()),
                                       document.size());
  auto signature = signing::sign_message(*key, bytes);
  if (!signature) {
    fmt::print(stderr, "autograph policy sign: {}\n", signature.error().message());
    return kExitFailure;
  }
  const std::string sig_path = options.sig.empty() ? options.file + ".sig" : options.sig;
  std::ofstream out(sig_path, std::ios::binary | std::ios::trunc);
  out << signature->to_hex() << '\n';
  out.close();
  if (!out) {
    fmt::print(stderr, "autograph policy sign: {}: write failed\n", sig_path);
    return kExitFailure;
  }
  fmt::print("Signed {} as {}; signature in {}.\n", options.file,
             signing::address_of(*key).to_checksum_hex(), sig_path);
  return options.envelope.empty() ? kExitOk : write_envelope(options, document, *signature);
}

CLI::App* add_subcommand(CLI::App& policy, const std::string& name, const std::string& help,
                         const std::string& key_help, PolicyOptions& options) {
  CLI::App* command = policy.add_subcommand(name, help);
  command->add_option("FILE", options.file, "the policy document (JSON)")->required();
  command->add_option("--key", options.key, key_help)->capture_default_str();
  command->add_option("--state", options.state, "state directory")->capture_default_str();
  command->add_option("--sig", options.sig, "signature file (default: FILE.sig)");
  return command;
}

}  // namespace

void add_policy_command(CLI::App& app, int& exit_code) {
  CLI::App* policy = app.add_subcommand("policy", "verify, apply and sign the owner's policy");
  policy->require_subcommand(1);
  auto options = std::make_shared<PolicyOptions>();
  add_subcommand(*policy, "apply", "verify a signed policy and put it in force", "device key file",
                 *options)
      ->callback([options, &exit_code] { exit_code = run_apply(*options); });
  add_subcommand(*policy, "check",
                 "validate and verify a policy and say in plain words what it shares",
                 "device key file", *options)
      ->callback([options, &exit_code] { exit_code = run_check(*options); });
  CLI::App* sign =
      add_subcommand(*policy, "sign", "sign a policy with the owner's key file (writes FILE.sig)",
                     "the owner's key file (not the device's)", *options);
  sign->get_option("--key")->required();
  sign->add_option("--envelope", options->envelope,
                   "also write the signed policy as one JSON message for the MQTT policy topic");
  sign->callback([options, &exit_code] { exit_code = run_sign(*options); });
}

}  // namespace autograph::cli
