// Whether the system clock is synchronised (NTP, GNSS), as each batch's `clock` reports it.
//
// Thread: any.
#pragma once

#include "autograph/signing/batch_envelope.hpp"

namespace autograph::pipeline {

// Asks the kernel (adjtimex(2) in read-only mode): kSynced unless STA_UNSYNC is set or the call
// fails (boards without an RTC often boot in 1970: unknown counts as unsynced).
signing::ClockState system_clock_state() noexcept;

}  // namespace autograph::pipeline
