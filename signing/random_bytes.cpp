#include "autograph/signing/random_bytes.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "autograph/signing/hex.hpp"

namespace autograph::signing {

Result<void> fill_random(std::span<uint8_t> out) {
  size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(ErrorCode::kUnavailable, "getrandom failed: {}", std::strerror(errno));
    }
    filled += static_cast<size_t>(got);
  }
  return {};
}

Result<std::string> generate_boot_id() {
  std::array<uint8_t, 16> bytes{};
  if (auto filled = fill_random(bytes); !filled) {
    return tl::unexpected(filled.error());
  }
  return to_hex(bytes);
}

}  // namespace autograph::signing
