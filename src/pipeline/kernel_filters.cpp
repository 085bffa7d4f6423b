#include "pipeline/kernel_filters.hpp"

#include <algorithm>

#include "autograph/can/socketcan_bus.hpp"

namespace autograph::pipeline {

std::vector<BusFilter> kernel_filters(const can::Decoder& decoder,
                                      const normaliser::VssNormaliser& normaliser,
                                      const policy::PolicyGate& gate, size_t bus_count) {
  std::vector<BusFilter> filters(bus_count);
  const std::vector<can::SignalInfo>& signals = decoder.signals();
  for (size_t i = 0; i < signals.size(); ++i) {
    const std::optional<uint32_t> vss = normaliser.vss_id_of(i);
    if (!vss || !gate.is_needed(*vss) || signals[i].bus >= bus_count) {
      continue;
    }
    filters[signals[i].bus].ids.push_back(signals[i].message_id);
  }
  for (BusFilter& filter : filters) {
    std::sort(filter.ids.begin(), filter.ids.end());
    filter.ids.erase(std::unique(filter.ids.begin(), filter.ids.end()), filter.ids.end());
    if (filter.ids.size() > can::SocketCanBus::kMaxFilterIds) {
      filter.receive_all = true;
    }
  }
  return filters;
}

}  // namespace autograph::pipeline
