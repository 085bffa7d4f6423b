// AG_CHECK: the one way a programming error (a broken caller, not bad input) stops the process.
//
// It is active in every build type: a violated precondition in a device that signs data must not
// continue with corrupted state. Test these paths with death tests.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace autograph::detail {
[[noreturn]] inline void check_failed(const char* condition, const char* message, const char* file,
                                      int line) noexcept {
  std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", file, line, condition, message);
  std::abort();
}
}  // namespace autograph::detail

#define AG_CHECK(condition, message)                                                \
  do {                                                                              \
    if (!(condition)) [[unlikely]] {                                                \
      ::autograph::detail::check_failed(#condition, (message), __FILE__, __LINE__); \
    }                                                                               \
  } while (false)
