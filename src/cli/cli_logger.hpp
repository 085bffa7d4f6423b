// The logger of the command-line tool: writes to stderr (stdout carries the commands' results),
// level from SPDLOG_LEVEL (e.g. SPDLOG_LEVEL=trace), default info. Main thread only.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace autograph::cli {

// Returns the "cli" logger, creating it on first use.
std::shared_ptr<spdlog::logger> cli_logger();

// Returns `text` fit for one terminal line: bytes outside printable ASCII become \xNN, so data
// from an envelope cannot move the cursor or inject lines.
std::string printable(std::string_view text);

}  // namespace autograph::cli
