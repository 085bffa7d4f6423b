#include "autograph/signing/key_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "signing/temp_dir.hpp"
#include "signing/test_util.hpp"

namespace autograph::signing {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text, mode_t mode) {
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
  }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 07777;
}

const std::string kKeyText = std::string(test::kWeb3DocsKey) + "\n";

TEST(KeyStore, CreatesA0600KeyFileAndReturnsItsAddress) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  auto address = create_key_file(path);
  ASSERT_TRUE(address) << address.error().message();
  EXPECT_EQ(mode_of(path), 0600);
  const std::string text = read_text(path);
  ASSERT_EQ(text.size(), 65u);
  EXPECT_EQ(text.back(), '\n');
  auto key = load_key_file(path);
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(address_of(*key), *address);
  // Nothing but the key is left in the directory: the temporary name was removed.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(KeyStore, CreatesAMissingParentDirectory0700) {
  test::TempDir dir;
  const fs::path path = dir.path() / "var" / "device.key";
  ASSERT_TRUE(create_key_file(path));
  EXPECT_EQ(mode_of(dir.path() / "var"), 0700);
}

TEST(KeyStore, NeverOverwritesAnExistingKey) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  write_text(path, kKeyText, 0600);
  auto address = create_key_file(path);
  ASSERT_FALSE(address);
  EXPECT_EQ(address.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(address.error().message().find("refusing to overwrite"), std::string::npos);
  EXPECT_EQ(read_text(path), kKeyText);
}

TEST(KeyStore, NeverOverwritesThroughADanglingSymlink) {
  test::TempDir dir;
  const fs::path target = dir.path() / "elsewhere";
  const fs::path path = dir.path() / "device.key";
  fs::create_symlink(target, path);
  ASSERT_FALSE(create_key_file(path));
  EXPECT_FALSE(fs::exists(target));
}

TEST(KeyStore, LoadsAKeyWithOrWithoutNewline) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  write_text(path, std::string(test::kWeb3DocsKey), 0600);
  auto key = load_key_file(path);
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(address_of(*key).to_checksum_hex(), test::kWeb3DocsAddress);
  fs::remove(path);
  write_text(path, kKeyText, 0400);
  EXPECT_TRUE(load_key_file(path));
}

TEST(KeyStore, Refuses0644SayingHowToFixIt) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  write_text(path, kKeyText, 0644);
  auto key = load_key_file(path);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find("chmod 600 " + path.string()), std::string::npos);
  EXPECT_NE(key.error().message().find("mode 644"), std::string::npos);
}

TEST(KeyStore, Refuses0640And0604) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  write_text(path, kKeyText, 0640);
  EXPECT_FALSE(load_key_file(path));
  ASSERT_EQ(::chmod(path.c_str(), 0602), 0);
  EXPECT_FALSE(load_key_file(path));
}

TEST(KeyStore, RefusesASymlinkEvenToA0600Key) {
  test::TempDir dir;
  const fs::path real = dir.path() / "real.key";
  const fs::path link = dir.path() / "device.key";
  write_text(real, kKeyText, 0600);
  fs::create_symlink(real, link);
  auto key = load_key_file(link);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find("symbolic link"), std::string::npos);
}

TEST(KeyStore, RefusesADirectory) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  fs::create_directory(path);
  ASSERT_EQ(::chmod(path.c_str(), 0700), 0);
  auto key = load_key_file(path);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find("not a regular file"), std::string::npos);
}

TEST(KeyStore, RefusesAMissingFileNamingKeygen) {
  test::TempDir dir;
  auto key = load_key_file(dir.path() / "absent.key");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(key.error().message().find("autograph keygen"), std::string::npos);
}

TEST(KeyStore, RefusesWrongSizes) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  for (const std::string& text : {std::string(), kKeyText.substr(0, 63), kKeyText + "\n",
                                  "0x" + std::string(test::kWeb3DocsKey)}) {
    fs::remove(path);
    write_text(path, text, 0600);
    auto key = load_key_file(path);
    ASSERT_FALSE(key) << text.size();
    EXPECT_EQ(key.error().code(), ErrorCode::kMalformed);
  }
}

TEST(KeyStore, RefusesNonHexWithoutEchoingTheKey) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  std::string text = kKeyText;
  text[10] = 'x';
  write_text(path, text, 0600);
  auto key = load_key_file(path);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(key.error().message().find(text.substr(0, 10)), std::string::npos);
}

TEST(KeyStore, Refuses65BytesNotEndingInNewline) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  write_text(path, std::string(test::kWeb3DocsKey) + " ", 0600);
  EXPECT_FALSE(load_key_file(path));
}

TEST(KeyStore, RefusesAnInvalidScalar) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  write_text(path, std::string(64, '0') + "\n", 0600);
  auto key = load_key_file(path);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kMalformed);
}

TEST(KeyStore, ConcurrentCreatorsNeverOverwriteEachOther) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  constexpr int kThreads = 8;
  std::vector<Result<Address>> results(kThreads, fail(ErrorCode::kInternal, "not run"));
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = create_key_file(path); });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
  }
  const auto winners = std::count_if(results.begin(), results.end(),
                                     [](const Result<Address>& r) { return r.has_value(); });
  ASSERT_EQ(winners, 1);
  for (const Result<Address>& result : results) {
    if (result) {
      EXPECT_EQ(address_of(load_key_file(path).value()), *result);
    } else {
      EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
    }
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(KeyStore, LoadsUpperCaseHex) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  std::string text = kKeyText;
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  write_text(path, text, 0600);
  auto key = load_key_file(path);
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(address_of(*key).to_checksum_hex(), test::kWeb3DocsAddress);
}

TEST(KeyStore, RefusesAFifoWithoutBlocking) {
  test::TempDir dir;
  const fs::path path = dir.path() / "device.key";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto key = load_key_file(path);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find("not a regular file"), std::string::npos);
}

TEST(KeyStore, ReportsAParentThatIsNotADirectory) {
  test::TempDir dir;
  write_text(dir.path() / "file", "x", 0600);
  auto address = create_key_file(dir.path() / "file" / "device.key");
  ASSERT_FALSE(address);
  EXPECT_EQ(address.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(address.error().message().find("cannot create directory"), std::string::npos);
}

}  // namespace
}  // namespace autograph::signing
