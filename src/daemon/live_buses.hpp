// LiveBuses: the configured SocketCAN interfaces as frame sources, and their kernel filters
// kept in line with the policy in force.
//
// open() makes one SocketCanSource per entry of the configuration's `can` list (bus index =
// position in the list), each retrying on its own while its interface is missing or down.
// apply_filters() sets every bus's CAN_RAW_FILTER to the messages the pipeline's gate needs
// (pipeline/kernel_filters.hpp); the wiring calls it from FramePipeline's policy listener, so
// every applied policy (startup, SIGHUP, the policy topic) narrows the buses.
//
// Thread: the reactor thread (open() before the reactor starts). The sources are handed to the
// reactor (take_sources()); LiveBuses keeps plain pointers, valid while the reactor lives.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "autograph/result.hpp"
#include "config/device_config.hpp"
#include "pipeline/frame_pipeline.hpp"
#include "pipeline/frame_source.hpp"
#include "pipeline/socketcan_source.hpp"

namespace autograph::daemon {

class LiveBuses {
 public:
  // One source per configured interface, opened now or retrying. Errors: as
  // SocketCanSource::open (a configuration no retry can fix).
  [[nodiscard]] static Result<LiveBuses> open(const std::vector<config::CanInterface>& can,
                                              uint64_t now_ns);

  // Sets each bus's kernel filter from `frames`' gate in force (nothing before the first
  // policy). Logs the ids per bus at info, a bus above the kernel's filter size as receiving
  // everything, and a filter the kernel refused at error (that bus keeps its old filter).
  void apply_filters(const pipeline::FramePipeline& frames);

  // Moves the sources out, for the reactor. Once only.
  std::vector<std::unique_ptr<pipeline::FrameSource>> take_sources();

  const std::vector<pipeline::SocketCanSource*>& buses() const noexcept { return buses_; }

 private:
  std::vector<std::unique_ptr<pipeline::FrameSource>> owned_;
  std::vector<pipeline::SocketCanSource*> buses_;  // by bus index; owned by owned_ or the reactor
};

}  // namespace autograph::daemon
