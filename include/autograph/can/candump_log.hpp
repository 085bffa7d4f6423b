// can-utils log files (what `candump -l` writes and `canplayer` replays): everything in one
// include. The line parser and formatter are in candump_line.hpp, the streaming file reader in
// candump_reader.hpp, the file writer in candump_writer.hpp, the interface table in
// bus_table.hpp.
#pragma once

#include "autograph/can/bus_table.hpp"
#include "autograph/can/candump_line.hpp"
#include "autograph/can/candump_reader.hpp"
#include "autograph/can/candump_writer.hpp"
