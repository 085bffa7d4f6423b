// ObdAddressBook: the 29-bit ECU slots of the OBD-II poller, learning addresses that answer from
// outside them, and counting those that find no slot.
#include "autograph/can/obd_address_book.hpp"

#include <gtest/gtest.h>

namespace autograph::can {
namespace {

constexpr std::array<uint8_t, ObdAddressBook::kSlots> kDefault = {0x10, 0x11, 0x12, 0x13,
                                                                  0x14, 0x15, 0x16, 0x17};

TEST(ObdAddressBook, RefusesAnAddressGivenTwice) {
  std::array<uint8_t, ObdAddressBook::kSlots> twice = kDefault;
  twice[5] = 0x11;
  const Result<ObdAddressBook> book = ObdAddressBook::create(twice);
  ASSERT_FALSE(book.has_value());
  EXPECT_EQ(book.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(book.error().message().find("0x11 given twice"), std::string::npos)
      << book.error().message();
}

TEST(ObdAddressBook, KnowsTheConfiguredAddressesAndMarksThemHeard) {
  ObdAddressBook book = ObdAddressBook::create(kDefault).value();
  for (int slot = 0; slot < ObdAddressBook::kSlots; ++slot) {
    EXPECT_EQ(book.address(slot), 0x10 + slot);
    EXPECT_FALSE(book.heard(slot));
  }
  const ObdAddressBook::Lookup found = book.lookup(0x12);
  EXPECT_EQ(found.found, ObdAddressBook::Found::kKnown);
  EXPECT_EQ(found.slot, 2);
  EXPECT_TRUE(book.heard(2));
  EXPECT_FALSE(book.heard(-1));
  EXPECT_FALSE(book.heard(8));
  EXPECT_EQ(book.learned(), 0u);
}

TEST(ObdAddressBook, GivesAnUnknownAddressTheHighestSlotThatHeardNothing) {
  ObdAddressBook book = ObdAddressBook::create(kDefault).value();
  EXPECT_EQ(book.lookup(0x10).found, ObdAddressBook::Found::kKnown);
  // The transmission of many cars: 0x18, outside the defaults.
  ObdAddressBook::Lookup found = book.lookup(0x18);
  ASSERT_EQ(found.found, ObdAddressBook::Found::kFree);
  EXPECT_EQ(found.slot, 7);
  EXPECT_EQ(book.address(7), 0x17);  // nothing changes before assign()
  EXPECT_FALSE(book.heard(7));
  book.assign(7, 0x18);
  EXPECT_EQ(book.address(7), 0x18);
  EXPECT_TRUE(book.heard(7));
  EXPECT_EQ(book.learned(), 1u);
  EXPECT_EQ(book.lookup(0x18).found, ObdAddressBook::Found::kKnown);
  // The next unknown one takes slot 6; a heard slot (7) is never taken.
  found = book.lookup(0x28);
  EXPECT_EQ(found.found, ObdAddressBook::Found::kFree);
  EXPECT_EQ(found.slot, 6);
}

TEST(ObdAddressBook, CountsAddressesThatFindNoSlotOnceEach) {
  ObdAddressBook book = ObdAddressBook::create(kDefault).value();
  for (int slot = 0; slot < 6; ++slot) {
    EXPECT_EQ(book.lookup(static_cast<uint8_t>(0x10 + slot)).found, ObdAddressBook::Found::kKnown);
  }
  book.assign(book.lookup(0x18).slot, 0x18);
  book.assign(book.lookup(0x1A).slot, 0x1A);
  EXPECT_EQ(book.learned(), 2u);
  ObdAddressBook::Lookup found = book.lookup(0x28);
  EXPECT_EQ(found.found, ObdAddressBook::Found::kNoRoom);
  EXPECT_EQ(found.slot, -1);
  EXPECT_TRUE(found.first_time);
  found = book.lookup(0x28);
  EXPECT_EQ(found.found, ObdAddressBook::Found::kNoRoom);
  EXPECT_FALSE(found.first_time);
  EXPECT_TRUE(book.lookup(0x29).first_time);
  EXPECT_EQ(book.unknown_addresses(), 2u);
  EXPECT_EQ(book.unknown_frames(), 3u);
  // The slots keep the ECUs they heard.
  EXPECT_EQ(book.lookup(0x18).found, ObdAddressBook::Found::kKnown);
  EXPECT_EQ(book.lookup(0x15).found, ObdAddressBook::Found::kKnown);
}

TEST(ObdAddressBookDeathTest, AbortsOnASlotOutOfRange) {
  ObdAddressBook book = ObdAddressBook::create(kDefault).value();
  EXPECT_DEATH(book.assign(8, 0x18), "slot out of range");
  EXPECT_DEATH(static_cast<void>(book.address(-1)), "slot out of range");
}

}  // namespace
}  // namespace autograph::can
