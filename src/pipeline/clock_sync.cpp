#include "pipeline/clock_sync.hpp"

#include <sys/timex.h>

namespace autograph::pipeline {

signing::ClockState system_clock_state() noexcept {
  struct timex tx {};
  tx.modes = 0;  // read only: needs no privilege and changes nothing
  const int state = ::adjtimex(&tx);
  if (state < 0 || state == TIME_ERROR || (tx.status & STA_UNSYNC) != 0) {
    return signing::ClockState::kUnsynced;
  }
  return signing::ClockState::kSynced;
}

}  // namespace autograph::pipeline
