// ObdAddressBook (see the header).
#include "autograph/can/obd_address_book.hpp"

#include "autograph/check.hpp"

namespace autograph::can {

Result<ObdAddressBook> ObdAddressBook::create(const std::array<uint8_t, kSlots>& initial) {
  std::bitset<256> seen;
  for (const uint8_t address : initial) {
    if (seen.test(address)) {
      return fail(ErrorCode::kFailedPrecondition,
                  "OBD-II 29-bit ECU address 0x{:02X} given twice; each ECU slot needs its own",
                  address);
    }
    seen.set(address);
  }
  ObdAddressBook book;
  book.addresses_ = initial;
  return book;
}

ObdAddressBook::Lookup ObdAddressBook::lookup(uint8_t address) noexcept {
  for (int slot = 0; slot < kSlots; ++slot) {
    if (addresses_[static_cast<size_t>(slot)] == address) {
      heard_[static_cast<size_t>(slot)] = true;
      return {Found::kKnown, slot, false};
    }
  }
  for (int slot = kSlots - 1; slot >= 0; --slot) {
    if (!heard_[static_cast<size_t>(slot)]) {
      return {Found::kFree, slot, false};
    }
  }
  ++unknown_frames_;
  const bool first_time = !unknown_.test(address);
  unknown_.set(address);
  return {Found::kNoRoom, -1, first_time};
}

void ObdAddressBook::assign(int slot, uint8_t address) noexcept {
  AG_CHECK(slot >= 0 && slot < kSlots, "OBD ECU slot out of range");
  addresses_[static_cast<size_t>(slot)] = address;
  heard_[static_cast<size_t>(slot)] = true;
  ++learned_;
}

uint8_t ObdAddressBook::address(int slot) const noexcept {
  AG_CHECK(slot >= 0 && slot < kSlots, "OBD ECU slot out of range");
  return addresses_[static_cast<size_t>(slot)];
}

bool ObdAddressBook::heard(int slot) const noexcept {
  return slot >= 0 && slot < kSlots && heard_[static_cast<size_t>(slot)];
}

}  // namespace autograph::can
