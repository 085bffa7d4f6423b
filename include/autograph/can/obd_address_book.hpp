// ObdAddressBook: which 29-bit ECU address each of the OBD-II poller's eight ECU slots listens
// to, and how the poller learns the addresses of ECUs that answer from elsewhere.
//
// With 29-bit IDs (ISO 15765-4 normal fixed addressing) ECU xx answers the tester (0xF1) from
// 0x18DAF1xx and takes requests and flow control on 0x18DAxxF1. The standard does not fix xx:
// the vehicle chooses (engine 0x10 and transmission 0x18 are common, others use 0x11, 0x1A,
// 0x28, ...). The poller needs one kernel ISO-TP socket per ECU, whose IDs are fixed at bind, so
// it starts from configured addresses and watches every frame sent to the tester (0x18DAF1xx).
// A frame from an address that no slot has takes over a slot that has never heard anything: the
// poller re-binds that slot's socket and asks discovery again (the answer that revealed the ECU
// itself is lost: no ISO-TP socket listened to it). When every slot has heard its ECU, more
// addresses cannot be listened to: they are counted here and reported, never lost silently.
// J1979 allows at most eight OBD ECUs, so that takes a non-conforming vehicle.
//
// A plain value (about 300 bytes), no allocation; not thread-safe: the poller's thread owns it.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>

#include "autograph/result.hpp"

namespace autograph::can {

class ObdAddressBook {
 public:
  static constexpr int kSlots = 8;

  enum class Found : uint8_t {
    kKnown,   // a slot listens to the address (now marked heard)
    kFree,    // no slot does; `slot` has never heard anything and may be assigned() to it
    kNoRoom,  // no slot does and every slot has heard its ECU: counted as unknown
  };
  struct Lookup {
    Found found = Found::kKnown;
    int slot = -1;            // kKnown, kFree: the slot; kNoRoom: -1
    bool first_time = false;  // kNoRoom: the first frame ever from this address
  };

  // The book with slot n listening to initial[n]. kFailedPrecondition when an address appears
  // twice (two sockets bound to one answer ID would both receive it), naming it.
  [[nodiscard]] static Result<ObdAddressBook> create(const std::array<uint8_t, kSlots>& initial);

  // A frame arrived from ECU `address` (the last byte of 0x18DAF1xx). kKnown marks its slot
  // heard. kFree names the highest-numbered slot that has heard nothing (the lowest keep the
  // configured addresses, which are usually in the car's order); nothing changes until
  // assign(). kNoRoom counts the frame and, the first time, the address (unknown_addresses()).
  Lookup lookup(uint8_t address) noexcept;

  // Slot `slot` (0..7, one lookup() returned as kFree) listens to `address` from now on and has
  // heard it; counted in learned(). Aborts on a slot outside 0..7.
  void assign(int slot, uint8_t address) noexcept;

  // The address slot `slot` (0..7) listens to; aborts outside 0..7.
  uint8_t address(int slot) const noexcept;
  // True once a frame came from slot `slot`'s address (0..7; false outside).
  bool heard(int slot) const noexcept;

  // Addresses assigned to slots since create().
  uint64_t learned() const noexcept { return learned_; }
  // Distinct addresses that could not be listened to (kNoRoom), and their frames.
  uint64_t unknown_addresses() const noexcept { return unknown_.count(); }
  uint64_t unknown_frames() const noexcept { return unknown_frames_; }

 private:
  ObdAddressBook() = default;

  std::array<uint8_t, kSlots> addresses_{};
  std::array<bool, kSlots> heard_{};
  std::bitset<256> unknown_;
  uint64_t learned_ = 0;
  uint64_t unknown_frames_ = 0;
};

}  // namespace autograph::can
