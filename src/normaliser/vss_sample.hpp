// VssSample: one normalised signal value, as the policy gate and the batcher see it.
//
// `signal` indexes the vehicle's VSS signal table (the normaliser's vss_paths(); the same index
// is the policy gate's signal id). Values are doubles in the VSS unit of that signal.
#pragma once

#include <cstdint>

namespace autograph::normaliser {

struct VssSample {
  uint32_t signal = 0;  // index into the VSS signal table
  uint64_t t_ns = 0;    // when the frame carrying it was received, nanoseconds
  double value = 0.0;   // in the signal's VSS unit
};

}  // namespace autograph::normaliser
