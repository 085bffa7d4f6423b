#include "pipeline/pipeline_logger.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace autograph::pipeline {

std::shared_ptr<spdlog::logger> pipeline_logger() {
  if (auto existing = spdlog::get("pipeline")) {
    return existing;
  }
  try {
    return spdlog::stderr_color_mt("pipeline");
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get("pipeline");  // registered meanwhile by another thread
  }
}

}  // namespace autograph::pipeline
