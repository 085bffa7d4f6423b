// StateDirectory: what the device remembers about its owner and policy across reboots.
//
// Files in the directory (mode 0700, created if missing):
//   owner                  the paired owner's address, "0x" + 40 hex digits and "\n"
//   highest-version        the highest policy version ever accepted, decimal and "\n"
//   policy-in-force.json   the policy in force with its signature, as a policy envelope
//                          ({"policy": "<document text>", "signature": "0x..."}, see
//                          policy_envelope.hpp), so document and signature change together
// Every write goes to a temporary file in the same directory that is fsync'ed and then renamed
// over the old one, and the directory is fsync'ed: after a crash each file holds the old or the
// new content, never a mix. A damaged file is reported (kDataLoss), never guessed around: the
// verifier then refuses, since a lost highest version would reopen rollback.
//
// Thread: one owner at a time (the reactor thread, or a CLI command); no locks. Two processes
// writing the same directory at once is not supported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"

namespace autograph::policy {

class StateDirectory {
 public:
  // Opens `dir`, creating it (and missing parents) with mode 0700. kFailedPrecondition, naming
  // the path and the system error, when it cannot be created or is not a directory.
  [[nodiscard]] static Result<StateDirectory> open(const std::filesystem::path& dir);

  const std::filesystem::path& path() const noexcept { return dir_; }

  // The paired owner, or nullopt when the device is not paired. kDataLoss when the file does
  // not hold an address; kUnavailable when it cannot be read.
  [[nodiscard]] Result<std::optional<signing::Address>> read_owner() const;
  [[nodiscard]] Result<void> write_owner(const signing::Address& owner) const;

  // The highest policy version accepted so far; 0 when none. kDataLoss when damaged.
  [[nodiscard]] Result<uint64_t> read_highest_version() const;
  [[nodiscard]] Result<void> write_highest_version(uint64_t version) const;

  // The stored policy envelope, or nullopt when no policy was ever installed.
  [[nodiscard]] Result<std::optional<std::string>> read_policy_in_force() const;
  [[nodiscard]] Result<void> write_policy_in_force(std::string_view envelope) const;
  // Removes the policy in force (after a change of owner). Absent is not an error.
  [[nodiscard]] Result<void> remove_policy_in_force() const;

 private:
  explicit StateDirectory(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // The whole file `name`, nullopt when it does not exist; at most `max_bytes`.
  [[nodiscard]] Result<std::optional<std::string>> read_file(std::string_view name,
                                                             size_t max_bytes) const;
  [[nodiscard]] Result<void> write_file_atomically(std::string_view name,
                                                   std::string_view bytes) const;

  std::filesystem::path dir_;
};

}  // namespace autograph::policy
