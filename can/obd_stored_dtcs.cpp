// ObdStoredDtcs (see the header).
#include "autograph/can/obd_stored_dtcs.hpp"

#include <algorithm>
#include <vector>

#include "autograph/can/obd_bus.hpp"

namespace autograph::can {

bool ObdStoredDtcs::update(uint32_t responder, const ObdResponse& response) noexcept {
  if (response.negative || response.service != 0x03) {
    return false;
  }
  std::array<ObdDtc, kMaxPerEcu> dtcs{};
  const Result<size_t> count = parse_obd_stored_dtcs(response.body, dtcs);
  if (!count) {
    return false;
  }
  auto* ecu = std::find_if(ecus_.begin(), ecus_.begin() + static_cast<ptrdiff_t>(ecu_count_),
                           [responder](const Ecu& e) { return e.responder == responder; });
  if (ecu == ecus_.begin() + static_cast<ptrdiff_t>(ecu_count_)) {
    if (ecu_count_ == kMaxEcus) {
      return false;
    }
    ++ecu_count_;
    ecu->responder = responder;
  }
  ecu->dtcs = dtcs;
  ecu->count = *count;
  return true;
}

std::string ObdStoredDtcs::merged_json() const {
  std::vector<ObdDtc> all;
  for (size_t i = 0; i < ecu_count_; ++i) {
    all.insert(all.end(), ecus_[i].dtcs.begin(),
               ecus_[i].dtcs.begin() + static_cast<ptrdiff_t>(ecus_[i].count));
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return obd_dtc_list_json(all);
}

}  // namespace autograph::can
