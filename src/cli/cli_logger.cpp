#include "cli/cli_logger.hpp"

#include <fmt/format.h>
#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace autograph::cli {

std::shared_ptr<spdlog::logger> cli_logger() {
  if (auto existing = spdlog::get("cli")) {
    return existing;
  }
  auto logger = spdlog::stderr_color_mt("cli");
  spdlog::cfg::load_env_levels();
  return logger;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out.push_back(c);
    } else {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", byte);
    }
  }
  return out;
}

}  // namespace autograph::cli
