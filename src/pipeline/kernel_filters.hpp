// Kernel CAN id filters from the policy in force: only the frames of messages that carry a
// signal some grantee may receive (PolicyGate::needed_signals()) reach userspace.
//
// The chain: needed VSS ids -> the decoder signals the normaliser maps to them -> those
// signals' (bus, message id) in the decoder's signal table. Messages are listed once per bus,
// sorted. A bus needing more ids than the kernel takes (can::SocketCanBus::kMaxFilterIds)
// receives everything instead (receive_all), which the caller should log.
//
// Thread: pure function of its arguments; the reactor thread calls it after a policy change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "autograph/can/decoder.hpp"
#include "normaliser/vss_normaliser.hpp"
#include "policy/policy_gate.hpp"

namespace autograph::pipeline {

struct BusFilter {
  std::vector<uint32_t> ids;  // CanFrame::id values (kEffFlag for extended ids), sorted, unique
  bool receive_all = false;   // more ids than the kernel filter takes: pass every frame
};

// One filter per bus index 0..bus_count-1. A bus none of whose messages is needed gets an empty
// list (no data frame passes; error frames still do). Signals of buses at or beyond bus_count
// are ignored.
std::vector<BusFilter> kernel_filters(const can::Decoder& decoder,
                                      const normaliser::VssNormaliser& normaliser,
                                      const policy::PolicyGate& gate, size_t bus_count);

}  // namespace autograph::pipeline
