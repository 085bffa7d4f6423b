// Result<T> and Error: how every module reports failure.
//
// Bad data from outside (a file, a frame, a packet, a policy) is a returned Error; a broken
// caller is a programming error and aborts through AG_CHECK (check.hpp). Exceptions never cross
// a module boundary. An Error's code says what the caller should do next; its message says what
// was wrong and where (file:line:column, field, peer), written for the person who must fix it.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace autograph {

enum class ErrorCode {
  kMalformed,           // the input is wrong: fix the file, frame or message; retrying won't help
  kUnavailable,         // a peer or resource is not there now: retry with back-off
  kFailedPrecondition,  // the system is not in a state to do this: fix the configuration first
  kDataLoss,            // stored data is damaged or was dropped
  kInternal,            // a bug or an unexpected failure of a library or the kernel
};

// The name of a code as it appears in messages ("malformed", "unavailable", ...).
constexpr std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kMalformed:
      return "malformed";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kFailedPrecondition:
      return "failed precondition";
    case ErrorCode::kDataLoss:
      return "data loss";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const noexcept { return code_; }
  // What was wrong and where, e.g. "vehicle.dbc:12:5: expected ':' after message name".
  const std::string& message() const noexcept { return message_; }

  // Returns a copy whose message is "<context>: <message>", for callers that add where.
  Error with_context(std::string_view context) const {
    return Error(code_, fmt::format("{}: {}", context, message_));
  }

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename T>
using Result = tl::expected<T, Error>;

// Builds an unexpected Error from a format string, for `return fail(...)` in Result functions.
template <typename... Args>
[[nodiscard]] tl::unexpected<Error> fail(ErrorCode code, fmt::format_string<Args...> format,
                                         Args&&... args) {
  return tl::unexpected<Error>(Error(code, fmt::format(format, std::forward<Args>(args)...)));
}

}  // namespace autograph

template <>
struct fmt::formatter<autograph::Error> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const autograph::Error& error, FormatContext& ctx) const {
    return fmt::format_to(ctx.out(), "{} ({})", error.message(),
                          autograph::to_string(error.code()));
  }
};
