// `autograph verify [--from 0xADDR] FILE|-`: checks signed envelopes as any receiver would, one
// per line or a JSON array, then the chain of each stream.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "autograph/signing/chain_verifier.hpp"
#include "autograph/signing/envelope_verifier.hpp"
#include "autograph/signing/hex.hpp"
#include "autograph/signing/json_scanner.hpp"
#include "cli/cli_logger.hpp"
#include "cli/commands.hpp"

namespace autograph::cli {
namespace {

struct VerifyOptions {
  std::string input = "-";
  std::string from;
};

// One envelope's text and where it came from ("line 3", "element 2").
struct Piece {
  std::string where;
  std::string_view text;
};

Result<std::string> read_input(const std::string& input) {
  std::ostringstream buffer;
  if (input == "-") {
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) {
      return fail(ErrorCode::kUnavailable, "cannot read standard input");
    }
    return buffer.str();
  }
  std::error_code error;
  if (std::filesystem::is_directory(input, error)) {
    return fail(ErrorCode::kUnavailable, "{} is a directory", input);
  }
  std::ifstream file(input, std::ios::binary);
  if (!file) {
    return fail(ErrorCode::kUnavailable, "cannot open {}", input);
  }
  buffer << file.rdbuf();
  if (file.bad()) {
    return fail(ErrorCode::kUnavailable, "cannot read {}", input);
  }
  return buffer.str();
}

// Splits the input into envelopes: a JSON array's elements, or its non-blank lines.
Result<std::vector<Piece>> split_input(std::string_view text) {
  std::vector<Piece> pieces;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '[') {
    auto elements = signing::scan_json_array(text);
    if (!elements) {
      return tl::unexpected(elements.error());
    }
    for (size_t i = 0; i < elements->size(); ++i) {
      pieces.push_back({fmt::format("element {}", i + 1), (*elements)[i].raw});
    }
    return pieces;
  }
  size_t line_number = 0;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    ++line_number;
    const std::string_view line = text.substr(begin, end - begin);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      pieces.push_back({fmt::format("line {}", line_number), line});
    }
    begin = end + 1;
  }
  return pieces;
}

// Prints the chain findings; returns true if none is an error.
bool report_chain(const signing::ChainVerifier& chain) {
  size_t errors = 0;
  for (const signing::ChainFinding& finding : chain.findings()) {
    const bool error = finding.is_error();
    errors += error ? 1 : 0;
    fmt::print("{} {}: {}\n", error ? "CHAIN-ERROR" : "WARN", printable(finding.stream),
               printable(finding.message));
  }
  if (errors == 0) {
    fmt::print("chain OK: {} batches in {} streams\n", chain.batch_count(), chain.stream_count());
    return true;
  }
  fmt::print("chain BROKEN: {} errors in {} batches of {} streams\n", errors, chain.batch_count(),
             chain.stream_count());
  return false;
}

int run_verify(const VerifyOptions& options) {
  std::optional<signing::Address> expected;
  if (!options.from.empty()) {
    auto parsed = signing::Address::parse(options.from);
    if (!parsed) {
      fmt::print(stderr, "autograph verify: --from: {}\n", parsed.error());
      return kExitUsage;
    }
    expected = *parsed;
  }
  auto text = read_input(options.input);
  if (!text) {
    fmt::print(stderr, "autograph verify: {}\n", text.error());
    return kExitFailure;
  }
  const std::string name = options.input == "-" ? "<stdin>" : options.input;
  auto pieces = split_input(*text);
  if (!pieces) {
    fmt::print(stderr, "autograph verify: {}: {}\n", name, pieces.error());
    return kExitFailure;
  }
  if (pieces->empty()) {
    fmt::print(stderr, "autograph verify: {}: no envelopes\n", name);
    return kExitFailure;
  }
  signing::ChainVerifier chain;
  size_t failed = 0;
  for (const Piece& piece : *pieces) {
    auto verified = signing::verify_envelope(piece.text, expected);
    if (!verified) {
      ++failed;
      fmt::print("FAIL {}:{}: {}\n", printable(name), piece.where,
                 printable(verified.error().message()));
      continue;
    }
    cli_logger()->debug("{}: data keccak256 {}", piece.where,
                        signing::to_0x_hex(verified->data_hash));
    fmt::print("OK seq={} stream={} signer={} ({})\n", verified->seq, printable(verified->stream),
               verified->signer.to_checksum_hex(), piece.where);
    chain.add(*verified);
  }
  const bool chain_ok = report_chain(chain);
  if (failed > 0) {
    fmt::print("{} of {} envelopes failed verification\n", failed, pieces->size());
  }
  return failed == 0 && chain_ok ? kExitOk : kExitFailure;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* verify = app.add_subcommand(
      "verify",
      "verify signed envelopes (one per line or a JSON array) and their chain; exit 1 if any "
      "check fails");
  verify->add_option("--from", options->from, "expected signer address (0x...)");
  verify->add_option("FILE", options->input, "envelope file, or - for standard input")->required();
  verify->callback([options, &exit_code] { exit_code = run_verify(*options); });
}

}  // namespace autograph::cli
