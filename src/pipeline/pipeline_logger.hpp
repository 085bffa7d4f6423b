// The pipeline module's spdlog logger ("pipeline"), created on first use.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace autograph::pipeline {

// Returns the shared "pipeline" logger (stderr, colour when a terminal). Thread-safe.
std::shared_ptr<spdlog::logger> pipeline_logger();

}  // namespace autograph::pipeline
