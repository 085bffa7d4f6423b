// ObdStoredDtcs: each ECU's last service 03 answer, and the vehicle's list as their union.
#include "autograph/can/obd_stored_dtcs.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace autograph::can {
namespace {

// A positive service 03 answer holding `codes` (two bytes each, A B).
struct Answer {
  std::vector<uint8_t> bytes;
  ObdResponse response() const { return parse_obd_response(bytes).value(); }
};

Answer stored(std::vector<uint16_t> codes) {
  Answer answer{{0x43, static_cast<uint8_t>(codes.size())}};
  for (uint16_t code : codes) {
    answer.bytes.push_back(static_cast<uint8_t>(code >> 8));
    answer.bytes.push_back(static_cast<uint8_t>(code & 0xFF));
  }
  return answer;
}

TEST(ObdStoredDtcs, IsEmptyUntilAnEcuAnswers) {
  const ObdStoredDtcs dtcs;
  EXPECT_EQ(dtcs.merged_json(), "[]");
}

TEST(ObdStoredDtcs, MergesTheEcusListsSortedWithoutRepeats) {
  ObdStoredDtcs dtcs;
  ASSERT_TRUE(dtcs.update(0x7E8, stored({0xC100, 0x0133}).response()));
  EXPECT_EQ(dtcs.merged_json(), R"(["P0133","U0100"])");
  ASSERT_TRUE(dtcs.update(0x7E9, stored({0x0133, 0x0300}).response()));
  EXPECT_EQ(dtcs.merged_json(), R"(["P0133","P0300","U0100"])");
}

TEST(ObdStoredDtcs, AnEcusNewAnswerReplacesItsOldList) {
  ObdStoredDtcs dtcs;
  ASSERT_TRUE(dtcs.update(0x7E8, stored({0x0133}).response()));
  ASSERT_TRUE(dtcs.update(0x7E9, stored({0x0300}).response()));
  ASSERT_TRUE(dtcs.update(0x7E8, stored({}).response()));  // codes cleared on ECU 0
  EXPECT_EQ(dtcs.merged_json(), R"(["P0300"])");
}

TEST(ObdStoredDtcs, IgnoresWhatIsNotAStoredDtcAnswer) {
  ObdStoredDtcs dtcs;
  ASSERT_TRUE(dtcs.update(0x7E8, stored({0x0133}).response()));
  const std::vector<std::vector<uint8_t>> others = {
      {0x7F, 0x03, 0x11},        // negative
      {0x41, 0x0D, 0x32},        // service 01
      {0x43, 0x02, 0x01, 0x33},  // announces 2 codes, holds 1
  };
  for (const auto& bytes : others) {
    EXPECT_FALSE(dtcs.update(0x7E8, parse_obd_response(bytes).value()));
  }
  EXPECT_EQ(dtcs.merged_json(), R"(["P0133"])");
}

TEST(ObdStoredDtcs, KeepsTheFirstEightEcusAndRefusesANinth) {
  ObdStoredDtcs dtcs;
  for (uint32_t ecu = 0; ecu < ObdStoredDtcs::kMaxEcus; ++ecu) {
    ASSERT_TRUE(dtcs.update(0x7E8 + ecu, stored({static_cast<uint16_t>(0x0100 + ecu)}).response()));
  }
  EXPECT_FALSE(dtcs.update(0x18DAF110, stored({0x0999}).response()));
  EXPECT_EQ(dtcs.merged_json(),
            R"(["P0100","P0101","P0102","P0103","P0104","P0105","P0106","P0107"])");
}

TEST(ObdStoredDtcs, RefusesMoreCodesThanOneAnswerCanHold) {
  ObdStoredDtcs dtcs;
  std::vector<uint16_t> codes(ObdStoredDtcs::kMaxPerEcu + 1, 0x0133);
  EXPECT_FALSE(dtcs.update(0x7E8, stored(codes).response()));
  codes.pop_back();
  EXPECT_TRUE(dtcs.update(0x7E8, stored(codes).response()));
  EXPECT_EQ(dtcs.merged_json(), R"(["P0133"])");
}

}  // namespace
}  // namespace autograph::can
