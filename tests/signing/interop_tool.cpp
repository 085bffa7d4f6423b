// Test helper for the ethers interop test (ethers_interop.js): exposes library functions the CLI
// has no command for.
//   interop_tool envelopes KEYFILE COUNT     prints COUNT chained envelopes of stream "insurer"
//   interop_tool recover-message FILE SIG    prints the EIP-191 signer of FILE's bytes
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "autograph/signing/eip191.hpp"
#include "autograph/signing/key_store.hpp"
#include "autograph/signing/random_bytes.hpp"
#include "autograph/signing/stream_signer.hpp"

namespace {

using namespace autograph::signing;

int print_envelopes(const char* key_path, const char* count_text) {
  auto key = load_key_file(key_path);
  auto boot = generate_boot_id();
  if (!key || !boot) {
    fmt::print(stderr, "interop_tool: {}\n", key ? boot.error() : key.error());
    return 1;
  }
  const long count = std::strtol(count_text, nullptr, 10);
  StreamSigner signer(*key, "insurer", *boot);
  for (long i = 0; i < count; ++i) {
    BatchBody body;
    body.clock = ClockState::kSynced;
    body.from_ms = 1764150000000 + i * 10000;
    body.to_ms = body.from_ms + 10000;
    body.dropped.kernel = static_cast<uint64_t>(i);
    // Values with long shortest forms, an escaped path and a non-ASCII path.
    body.signals = {{"Vehicle.Speed", {{0, 52.1 + static_cast<double>(i)}, {1000, 0.1 + 0.2}}},
                    {"Vehicle.Cabin.\"Quoted\"\\Path", {{5, -1e-7}}},
                    {"Vehicle.Caf\xc3\xa9", {{9, 1e21}}}};
    auto batch = signer.sign(body, std::chrono::system_clock::now());
    if (!batch) {
      fmt::print(stderr, "interop_tool: {}\n", batch.error());
      return 1;
    }
    fmt::print("{}\n", batch->envelope);
  }
  return 0;
}

int recover_message(const char* path, const char* signature_text) {
  std::ifstream file(path, std::ios::binary);
  const std::vector<uint8_t> message((std::istreambuf_iterator<char>(file)),
                                     std::istreambuf_iterator<char>());
  auto signature = Signature::parse_hex(signature_text);
  if (!file || !signature) {
    fmt::print(stderr, "interop_tool: cannot read {} or parse the signature\n", path);
    return 1;
  }
  auto signer = recover_message_signer(message, *signature);
  if (!signer) {
    fmt::print(stderr, "interop_tool: {}\n", signer.error());
    return 1;
  }
  fmt::print("{}\n", signer->to_checksum_hex());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "envelopes" && argc == 4) {
    return print_envelopes(argv[2], argv[3]);
  }
  if (command == "recover-message" && argc == 4) {
    return recover_message(argv[2], argv[3]);
  }
  fmt::print(stderr, "usage: interop_tool envelopes KEYFILE COUNT | recover-message FILE SIG\n");
  return 2;
}
