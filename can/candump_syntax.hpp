// Constants of the candump line syntax shared by the parser (candump_line.cpp) and the
// formatter (candump_line_format.cpp). Private to can/.
#pragma once

#include <cstdint>

namespace autograph::can::candump_syntax {

constexpr uint32_t kErrFlag = 0x20000000u;  // CAN_ERR_FLAG in the kernel's can_id
constexpr uint32_t kFdFlagsBrs = 0x1;       // CANFD_BRS
constexpr uint32_t kFdFlagsEsi = 0x2;       // CANFD_ESI
constexpr uint32_t kFdFlagsFdf = 0x4;       // CANFD_FDF
constexpr uint64_t kNsPerSecond = 1'000'000'000u;

}  // namespace autograph::can::candump_syntax
