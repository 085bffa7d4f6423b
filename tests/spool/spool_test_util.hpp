// Helpers shared by the spool tests: a scratch directory on the real file system (not tmpfs, so
// fsync and file sizes behave as on a device) and deterministic payloads.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "spool/spool.hpp"

namespace autograph::spool::testing_util {

inline constexpr uint64_t kKiB = 1024;

// A fresh directory under the test temp dir, removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("autograph-spool-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter.fetch_add(1)));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// `size` bytes that depend on `id` and position, so a record's payload proves which it is.
inline std::vector<uint8_t> payload_for(uint64_t id, size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<uint8_t>((id * 131 + i * 7 + (i >> 8)) & 0xFF);
  }
  return bytes;
}

inline SpoolOptions options_in(const std::filesystem::path& dir) {
  SpoolOptions options;
  options.dir = dir / "spool";
  return options;
}

inline std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Every segment file in `dir`, sorted by name (= by first id).
inline std::vector<std::filesystem::path> segment_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".seg") {
      found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

// The ids that next_pending() walks from the start, in order.
inline std::vector<uint64_t> pending_ids(Spool& spool) {
  std::vector<uint64_t> ids;
  uint64_t after = 0;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    auto next = spool.next_pending(after);
    EXPECT_TRUE(next.has_value()) << (next ? "" : next.error().message());
    if (!next || !next->has_value()) {
      break;
    }
    ids.push_back((*next)->id);
    after = (*next)->id;
  }
  return ids;
}

}  // namespace autograph::spool::testing_util
