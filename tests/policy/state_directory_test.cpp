#include "policy/state_directory.hpp"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "policy_test_support.hpp"

namespace autograph::policy {
namespace {

using namespace autograph::policy::testing;

TEST(StateDirectory, CreatesAPrivateDirectory) {
  TempDir dir;
  auto state = StateDirectory::open(dir.path() / "a" / "b");
  ASSERT_TRUE(state.has_value()) << state.error().message();
  struct stat info {};
  ASSERT_EQ(::stat((dir.path() / "a" / "b").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST(StateDirectory, RefusesAFileInPlaceOfTheDirectory) {
  TempDir dir;
  std::filesystem::create_directories(dir.path());
  { std::ofstream(dir.path() / "file") << "x"; }
  auto state = StateDirectory::open(dir.path() / "file");
  ASSERT_FALSE(state.has_value());
  EXPECT_EQ(state.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(StateDirectory, StartsEmpty) {
  TempDir dir;
  auto state = StateDirectory::open(dir.path());
  ASSERT_TRUE(state.has_value());
  EXPECT_FALSE(state->read_owner().value().has_value());
  EXPECT_EQ(state->read_highest_version().value(), 0u);
  EXPECT_FALSE(state->read_policy_in_force().value().has_value());
  EXPECT_TRUE(state->remove_policy_in_force().has_value());
}

TEST(StateDirectory, RoundTripsEveryRecordAndLeavesNoTemporaryFiles) {
  TempDir dir;
  auto state = StateDirectory::open(dir.path());
  ASSERT_TRUE(state.has_value());
  const signing::Address owner = signing::address_of(key_from(1));
  ASSERT_TRUE(state->write_owner(owner).has_value());
  ASSERT_TRUE(state->write_highest_version(9007199254740991u).has_value());
  ASSERT_TRUE(state->write_policy_in_force(R"({"policy":"x","signature":"y"})").has_value());
  EXPECT_EQ(state->read_owner().value(), owner);
  EXPECT_EQ(state->read_highest_version().value(), 9007199254740991u);
  EXPECT_EQ(state->read_policy_in_force().value(), R"({"policy":"x","signature":"y"})");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".")) << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 3u);
  std::ifstream owner_file(dir.path() / "owner");
  std::string line;
  std::getline(owner_file, line);
  EXPECT_EQ(line, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
}

TEST(StateDirectory, ReportsDamagedRecordsAsDataLoss) {
  TempDir dir;
  auto state = StateDirectory::open(dir.path());
  ASSERT_TRUE(state.has_value());
  for (const char* bad :
       {"", "12", "12\n\n", "-1\n", "+1\n", "1 \n", "99999999999999999999999\n"}) {
    { std::ofstream(dir.path() / "highest-version", std::ios::trunc) << bad; }
    const auto version = state->read_highest_version();
    ASSERT_FALSE(version.has_value()) << bad;
    EXPECT_EQ(version.error().code(), ErrorCode::kDataLoss);
  }
  { std::ofstream(dir.path() / "owner") << "0xnothex\n"; }
  const auto owner = state->read_owner();
  ASSERT_FALSE(owner.has_value());
  EXPECT_EQ(owner.error().code(), ErrorCode::kDataLoss);
}

}  // namespace
}  // namespace autograph::policy
