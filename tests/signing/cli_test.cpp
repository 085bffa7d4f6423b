// Runs the real `autograph` binary: keygen, address, sign-message and verify, with spdlog at
// trace level, and checks results and that the key never appears in any output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "autograph/signing/eip191.hpp"
#include "autograph/signing/key_store.hpp"
#include "signing/envelope_fixture.hpp"
#include "signing/temp_dir.hpp"

namespace autograph::signing {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

class CliTest : public testing::Test {
 protected:
  // Runs `autograph <args>` with SPDLOG_LEVEL=trace; every output is kept for the leak check.
  CliRun run(const std::string& args, const std::string& stdin_file = "/dev/null") {
    const fs::path out = dir_.path() / "stdout";
    const fs::path err = dir_.path() / "stderr";
    const std::string command = "SPDLOG_LEVEL=trace " + std::string(AUTOGRAPH_CLI) + " " + args +
                                " <" + stdin_file + " >" + out.string() + " 2>" + err.string();
    const int raw = std::system(command.c_str());
    CliRun result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_text(out), read_text(err)};
    all_output_ += result.out + result.err;
    return result;
  }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  test::TempDir dir_;
  std::string all_output_;
};

TEST_F(CliTest, RunsEveryKeyCommandWithoutLeakingTheKey) {
  const fs::path key_path = dir_.path() / "keys" / "device.key";
  const CliRun keygen = run("keygen --key " + key_path.string());
  ASSERT_EQ(keygen.status, 0) << keygen.err;
  const std::string key_hex = read_text(key_path).substr(0, 64);
  ASSERT_EQ(key_hex.size(), 64u);
  auto key = load_key_file(key_path);
  ASSERT_TRUE(key);
  const std::string address = address_of(*key).to_checksum_hex();
  EXPECT_EQ(keygen.out, address + "\n");
  EXPECT_NE(keygen.err.find("[info] created device key"), std::string::npos) << keygen.err;

  const CliRun again = run("keygen --key " + key_path.string());
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos);
  EXPECT_EQ(read_text(key_path).substr(0, 64), key_hex);

  const CliRun shown = run("address --key " + key_path.string());
  EXPECT_EQ(shown.status, 0);
  EXPECT_EQ(shown.out, address + "\n");
  EXPECT_NE(shown.err.find("[debug]"), std::string::npos) << "trace logging was not on";

  const std::string message = "policy bytes\nexactly as signed\n";
  const CliRun signed_message =
      run("sign-message --key " + key_path.string() + " " + write("m", message).string());
  ASSERT_EQ(signed_message.status, 0) << signed_message.err;
  EXPECT_NE(signed_message.err.find("[trace] EIP-191 digest"), std::string::npos);
  auto signature = Signature::parse_hex(signed_message.out.substr(0, 132));
  ASSERT_TRUE(signature) << signed_message.out;
  EXPECT_EQ(recover_message_signer(test::as_bytes(message), *signature).value().to_checksum_hex(),
            address);

  std::string envelopes;
  for (const std::string& envelope : test::sign_batches(*key, "insurer", 3)) {
    envelopes += envelope + "\n";
  }
  const CliRun verified = run("verify --from " + address + " -", write("e", envelopes).string());
  EXPECT_EQ(verified.status, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("OK seq=2 stream=insurer"), std::string::npos);
  EXPECT_NE(verified.out.find("chain OK: 3 batches in 1 streams"), std::string::npos);

  ASSERT_FALSE(all_output_.empty());
  EXPECT_EQ(lower(all_output_).find(lower(key_hex)), std::string::npos) << "the key leaked";
  // No long piece of the key either (e.g. a prefix in an error).
  EXPECT_EQ(lower(all_output_).find(lower(key_hex.substr(0, 16))), std::string::npos);
}

TEST_F(CliTest, AddressRefusesAReadableKeySayingHowToFixIt) {
  const fs::path key_path = write("device.key", std::string(test::kWeb3DocsKey) + "\n");
  ASSERT_EQ(fs::exists(key_path), true);
  fs::permissions(key_path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read);
  const CliRun shown = run("address --key " + key_path.string());
  EXPECT_EQ(shown.status, 1);
  EXPECT_NE(shown.err.find("chmod 600 " + key_path.string()), std::string::npos) << shown.err;
  EXPECT_EQ(shown.out, "");
  EXPECT_EQ(all_output_.find(test::kWeb3DocsKey), std::string::npos);
}

TEST_F(CliTest, SignMessageRefusesADirectoryInsteadOfSigningNothing) {
  const fs::path key_path = write("device.key", std::string(test::kWeb3DocsKey) + "\n");
  fs::permissions(key_path, fs::perms::owner_read | fs::perms::owner_write);
  const CliRun signed_message =
      run("sign-message --key " + key_path.string() + " " + dir_.path().string());
  EXPECT_EQ(signed_message.status, 1);
  EXPECT_EQ(signed_message.out, "");
  EXPECT_NE(signed_message.err.find("not a readable regular file"), std::string::npos);
}

TEST_F(CliTest, VerifyReportsEachBadEnvelopeAndTheChainAndFails) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  const auto batches = test::sign_batches(key, "insurer", 4);
  std::string tampered = batches[1];
  tampered.replace(tampered.find("[500,52]"), 8, "[500,59]");
  const std::string input = batches[0] + "\n" + tampered + "\n\n" + batches[3] + "\n";
  const CliRun verified = run("verify " + write("e", input).string());
  EXPECT_EQ(verified.status, 1);
  EXPECT_NE(verified.out.find("OK seq=0 stream=insurer"), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find(":line 2: envelope: signature was made by"), std::string::npos);
  EXPECT_NE(verified.out.find("seq 1..2 missing between 0 and 3"), std::string::npos);
  EXPECT_NE(verified.out.find("chain BROKEN"), std::string::npos);
  EXPECT_NE(verified.out.find("1 of 3 envelopes failed"), std::string::npos);
}

TEST_F(CliTest, VerifyAcceptsAJsonArrayAndRejectsBadInput) {
  const SecretKey key = test::key_from_hex(test::kWeb3DocsKey);
  const auto batches = test::sign_batches(key, "insurer", 2);
  const CliRun array =
      run("verify " + write("a", "[" + batches[0] + ",\n" + batches[1] + "]").string());
  EXPECT_EQ(array.status, 0) << array.out;
  EXPECT_NE(array.out.find("(element 2)"), std::string::npos);

  EXPECT_EQ(run("verify " + write("empty", "\n\n").string()).status, 1);
  EXPECT_EQ(run("verify " + (dir_.path() / "absent").string()).status, 1);
  EXPECT_EQ(run("verify " + dir_.path().string()).status, 1);
  EXPECT_EQ(run("verify --from 0x1234 " + write("x", batches[0]).string()).status, 2);
  const CliRun garbage = run("verify " + write("g", "\x1b[2J{not json\n").string());
  EXPECT_EQ(garbage.status, 1);
  EXPECT_EQ(garbage.out.find('\x1b'), std::string::npos) << "terminal escape echoed";
}

}  // namespace
}  // namespace autograph::signing
