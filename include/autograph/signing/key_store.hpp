// The device key file: where the device's secret key lives on disk.
//
// Format: the 32-byte secret key as 64 lowercase hex digits followed by one "\n" (65 bytes in
// all; the newline is optional when loading, upper-case digits are accepted). No "0x" prefix, no
// other content. Mode 0600, owned by the user the daemon runs as.
//
// The key never leaves this module except as a SecretKey; buffers that held it are wiped on every
// path; nothing here logs. Not thread-safe against another process creating the same path, except
// that creation never overwrites (see create_key_file).
#pragma once

#include <filesystem>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/secret_key.hpp"

namespace autograph::signing {

// The key path every command uses unless given --key.
inline constexpr const char* kDefaultKeyPath = "/var/lib/autograph/device.key";

// Generates a key and writes it to `path` atomically: a temporary file (mode 0600) in the same
// directory, written and fsync'ed, then hard-linked to `path` (link(2) fails if `path` exists, so
// even a concurrent creator can't be overwritten), the temporary name removed and the directory
// fsync'ed. Creates a missing parent directory with mode 0700. Returns the new key's address.
// Errors: kFailedPrecondition if `path` already exists (never touched); kUnavailable for I/O
// failures, naming the path and the system error; no temporary file is left behind.
[[nodiscard]] Result<Address> create_key_file(const std::filesystem::path& path);

// Loads the key at `path`. Refuses, with kFailedPrecondition and an error saying how to fix it:
// a symlink (opened with O_NOFOLLOW), anything but a regular file, a file that group or others
// may access (mode & 077; "chmod 600 PATH"). kMalformed for a wrong size or a non-hex or invalid
// key; kUnavailable if it can't be opened or read (e.g. missing: "run autograph keygen").
[[nodiscard]] Result<SecretKey> load_key_file(const std::filesystem::path& path);

}  // namespace autograph::signing
