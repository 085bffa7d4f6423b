// Helpers shared by the pipeline tests: a fixed device key and a scratch directory.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "autograph/signing/secret_key.hpp"

namespace autograph::pipeline::testing {

// A fixed key (0x01..0x20) so envelopes are reproducible.
inline signing::SecretKey test_key() {
  std::array<uint8_t, 32> bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(i + 1);
  }
  return std::move(signing::SecretKey::from_bytes(bytes).value());
}

// A fresh directory under the system's temp dir, removed when the object goes.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace autograph::pipeline::testing
