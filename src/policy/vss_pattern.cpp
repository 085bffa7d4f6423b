#include "policy/vss_pattern.hpp"

#include <fmt/format.h>

namespace autograph::policy {
namespace {

bool is_segment_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Splits off the first segment of `rest` (up to '.'), advancing `rest` past the separator.
std::string_view next_segment(std::string_view& rest, bool& more) {
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos) {
    std::string_view segment = rest;
    rest = {};
    more = false;
    return segment;
  }
  std::string_view segment = rest.substr(0, dot);
  rest.remove_prefix(dot + 1);
  more = true;
  return segment;
}

}  // namespace

std::string vss_pattern_problem(std::string_view pattern) {
  if (pattern.empty()) {
    return "empty path";
  }
  if (pattern.size() > 256) {
    return "longer than 256 characters";
  }
  std::string_view rest = pattern;
  bool more = true;
  while (more) {
    const std::string_view segment = next_segment(rest, more);
    if (segment.empty()) {
      return "empty segment (two dots, or a dot at either end)";
    }
    if (segment == "*") {
      continue;
    }
    for (char c : segment) {
      if (!is_segment_char(c)) {
        return c == '*' ? std::string("'*' must be a whole segment, as in \"Vehicle.Body.*\"")
                        : fmt::format("character '{}' is not allowed (A-Z a-z 0-9 _ . *)", c);
      }
    }
  }
  return {};
}

bool vss_pattern_matches(std::string_view pattern, std::string_view path) {
  bool pattern_more = true;
  bool path_more = true;
  while (pattern_more) {
    if (!path_more) {
      return false;  // the pattern is longer than the path
    }
    const std::string_view want = next_segment(pattern, pattern_more);
    const std::string_view have = next_segment(path, path_more);
    if (want == "*") {
      if (!pattern_more) {
        return true;  // a final "*" takes this segment and everything below
      }
      continue;
    }
    if (want != have) {
      return false;
    }
  }
  return !path_more;
}

}  // namespace autograph::policy
