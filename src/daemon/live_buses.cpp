#include "daemon/live_buses.hpp"

#include <fmt/ranges.h>

#include <utility>

#include "pipeline/kernel_filters.hpp"
#include "pipeline/pipeline_logger.hpp"

namespace autograph::daemon {

Result<LiveBuses> LiveBuses::open(const std::vector<config::CanInterface>& can, uint64_t now_ns) {
  std::vector<std::string> names;
  for (const config::CanInterface& interface : can) {
    names.push_back(interface.name);
  }
  LiveBuses live;
  for (size_t i = 0; i < can.size(); ++i) {
    pipeline::SocketCanSourceOptions options;
    options.interface = can[i].name;
    options.bus = static_cast<uint16_t>(i);
    options.bus_names = names;
    options.hardware_timestamps = can[i].hardware_timestamps;
    options.bitrate = can[i].bitrate;
    options.restart_ms = can[i].restart_ms;
    Result<std::unique_ptr<pipeline::SocketCanSource>> source =
        pipeline::SocketCanSource::open(std::move(options), now_ns);
    if (!source) {
      return tl::unexpected(source.error());
    }
    live.buses_.push_back(source->get());
    live.owned_.push_back(std::move(*source));
  }
  return live;
}

void LiveBuses::apply_filters(const pipeline::FramePipeline& frames) {
  const policy::PolicyGate* gate = frames.gate();
  if (gate == nullptr) {
    return;
  }
  const std::vector<pipeline::BusFilter> filters =
      pipeline::kernel_filters(frames.decoder(), frames.normaliser(), *gate, buses_.size());
  for (size_t i = 0; i < buses_.size(); ++i) {
    pipeline::SocketCanSource& bus = *buses_[i];
    const pipeline::BusFilter& filter = filters[i];
    if (filter.receive_all) {
      pipeline::pipeline_logger()->info(
          "{}: the policy needs {} CAN ids, more than the kernel filter takes: receiving all",
          bus.name(), filter.ids.size());
    } else {
      pipeline::pipeline_logger()->info("{}: kernel filter passes {} CAN ids {:#x}", bus.name(),
                                        filter.ids.size(), fmt::join(filter.ids, ","));
    }
    if (Result<void> set = bus.set_filter(filter.ids, filter.receive_all); !set) {
      pipeline::pipeline_logger()->error("{}: kernel filter refused, the old one stays: {}",
                                         bus.name(), set.error().message());
    }
  }
}

std::vector<std::unique_ptr<pipeline::FrameSource>> LiveBuses::take_sources() {
  return std::move(owned_);
}

}  // namespace autograph::daemon
