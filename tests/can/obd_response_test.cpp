// OBD-II response parsing: positive and negative responses, multi-PID splitting, VIN and other
// service 09 text, DTCs, supported-PID bitmaps. Exact bytes in, every error path out.
//
// Published examples: Wikipedia "OBD-II PIDs": the PID 00 answer BE 1F A8 13 (PIDs 01, 03-07,
// 0C-11, 13, 15, 1C, 1F, 20 supported) and the ISO 15765 VIN answer 49 02 01 31 44 34 47 50 30
// 30 52 35 35 42 31 32 33 34 35 36 ("1D4GP00R55B123456"); the DTC bit layout (A7-A6 system
// P/C/B/U) from the same article's service 03 section.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "autograph/can/obd_response.hpp"
#include "autograph/can/obd_supported_pids.hpp"

namespace autograph::can {
namespace {

std::string dtc(const ObdDtc& code) { return std::string(code.data(), code.size()); }

TEST(ObdResponse, ParsesPositiveAndNegativeResponses) {
  const std::vector<uint8_t> speed = {0x41, 0x0D, 0x12};
  const Result<ObdResponse> positive = parse_obd_response(speed);
  ASSERT_TRUE(positive.has_value()) << positive.error().message();
  EXPECT_EQ(positive->service, 0x01);
  EXPECT_FALSE(positive->negative);
  EXPECT_EQ(positive->body.size(), 2u);
  EXPECT_EQ(positive->body[0], 0x0D);

  const std::vector<uint8_t> refusal = {0x7F, 0x01, 0x12};
  const Result<ObdResponse> negative = parse_obd_response(refusal);
  ASSERT_TRUE(negative.has_value());
  EXPECT_TRUE(negative->negative);
  EXPECT_EQ(negative->service, 0x01);
  EXPECT_EQ(negative->nrc, kObdNrcSubFunctionNotSupported);
}

TEST(ObdResponse, RejectsMalformedAndForeignResponses) {
  const std::vector<std::pair<std::vector<uint8_t>, std::string>> cases = {
      {{}, "empty OBD response"},
      {{0x7F, 0x01}, "negative OBD response of 2 bytes; it takes 3"},
      {{0x41}, "OBD response to service 0x01 without data"},
      {{0x10, 0x01}, "OBD response byte 0x10 is no response service"},
      {{0x50, 0x03}, "OBD response to service 0x10, which autograph never requests"},
      {{0x7F, 0x19, 0x12}, "OBD response to service 0x19, which autograph never requests"},
      {{0x44}, "OBD response to service 0x04, which autograph never requests"},
  };
  for (const auto& [bytes, message] : cases) {
    const Result<ObdResponse> r = parse_obd_response(bytes);
    ASSERT_FALSE(r.has_value()) << message;
    EXPECT_EQ(r.error().code(), ErrorCode::kMalformed);
    EXPECT_EQ(r.error().message(), message);
  }
}

TEST(ObdResponse, SplitsAMultiPidAnswer) {
  const std::vector<uint8_t> body = {0x0C, 0x0B, 0x30, 0x0D, 0x12, 0xA6, 0, 1, 0xE2, 0x40};
  std::array<ObdPidRecord, 6> records;
  const Result<size_t> n = split_obd_current_data(body, records);
  ASSERT_TRUE(n.has_value()) << n.error().message();
  ASSERT_EQ(*n, 3u);
  EXPECT_EQ(records[0].pid, 0x0C);
  EXPECT_EQ(records[0].data.size(), 2u);
  EXPECT_EQ(records[1].pid, 0x0D);
  EXPECT_EQ(records[1].data[0], 0x12);
  EXPECT_EQ(records[2].pid, 0xA6);
  EXPECT_EQ(records[2].data.size(), 4u);
}

TEST(ObdResponse, RejectsUnsplittableAnswers) {
  std::array<ObdPidRecord, 2> records;
  const std::vector<std::pair<std::vector<uint8_t>, std::string>> cases = {
      {{}, "service 01 response without a PID"},
      {{0x0D, 0x12, 0x0E, 0x80}, "service 01 response: PID 0x0E at byte 3 is unknown"},
      {{0x0C, 0x0B}, "service 01 response: PID 0x0C at byte 1 has 1 data bytes; it takes 2"},
      {{0x0D, 1, 0x0D, 2, 0x0D, 3}, "service 01 response holds more than 2 PIDs"},
  };
  for (const auto& [bytes, message] : cases) {
    const Result<size_t> r = split_obd_current_data(bytes, records);
    ASSERT_FALSE(r.has_value()) << message;
    EXPECT_EQ(r.error().message(), message);
  }
}

TEST(ObdResponse, ReadsTheVinOfThePublishedExample) {
  const std::vector<uint8_t> payload = {0x49, 0x02, 0x01, 0x31, 0x44, 0x34, 0x47, 0x50, 0x30, 0x30,
                                        0x52, 0x35, 0x35, 0x42, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36};
  const Result<ObdResponse> response = parse_obd_response(payload);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->service, 0x09);
  const Result<std::string_view> vin = parse_obd_info_text(response->body, 0x02);
  ASSERT_TRUE(vin.has_value()) << vin.error().message();
  EXPECT_EQ(*vin, "1D4GP00R55B123456");
  EXPECT_TRUE(is_valid_vin(*vin));
}

TEST(ObdResponse, CutsTextPaddingAndRejectsBinaryText) {
  const std::vector<uint8_t> padded = {0x0A, 0x01, 'B', 'C', 'M', 0, 0, 0};
  EXPECT_EQ(parse_obd_info_text(padded, 0x0A).value(), "BCM");
  const std::vector<uint8_t> empty = {0x04, 0x01};
  EXPECT_EQ(parse_obd_info_text(empty, 0x04).value(), "");
  const std::vector<uint8_t> binary = {0x02, 0x01, 'A', 0x01, 'B'};
  EXPECT_EQ(parse_obd_info_text(binary, 0x02).error().message(),
            "service 09 PID 0x02 text: byte 2 is 0x01, not printable ASCII");
  EXPECT_EQ(parse_obd_info_text(padded, 0x02).error().message(),
            "service 09 response for PID 0x0A, not 0x02");
  const std::vector<uint8_t> short_body = {0x02};
  EXPECT_EQ(parse_obd_info_text(short_body, 0x02).error().message(),
            "service 09 response of 1 bytes; it takes at least 2");
}

TEST(ObdResponse, ValidatesVins) {
  EXPECT_TRUE(is_valid_vin("KMHK381GFMU123456"));
  EXPECT_FALSE(is_valid_vin("KMHK381GFMU12345"));    // 16 characters
  EXPECT_FALSE(is_valid_vin("KMHK381GFMU1234567"));  // 18
  EXPECT_FALSE(is_valid_vin("KMHK381GOMU123456"));   // O is not used in VINs
  EXPECT_FALSE(is_valid_vin("kmhk381gfmu123456"));
  EXPECT_FALSE(is_valid_vin("OSEV__ BMS"));
}

TEST(ObdResponse, DecodesDtcsOfEverySystem) {
  EXPECT_EQ(dtc(decode_obd_dtc(0x01, 0x33)), "P0133");
  EXPECT_EQ(dtc(decode_obd_dtc(0x41, 0x23)), "C0123");
  EXPECT_EQ(dtc(decode_obd_dtc(0x9A, 0xBC)), "B1ABC");
  EXPECT_EQ(dtc(decode_obd_dtc(0xC1, 0x00)), "U0100");
  EXPECT_EQ(dtc(decode_obd_dtc(0xFF, 0xFF)), "U3FFF");

  const std::vector<uint8_t> body = {0x02, 0x01, 0x33, 0xC1, 0x00};
  std::array<ObdDtc, 4> codes{};
  ASSERT_EQ(parse_obd_stored_dtcs(body, codes).value(), 2u);
  EXPECT_EQ(dtc(codes[0]), "P0133");
  EXPECT_EQ(dtc(codes[1]), "U0100");
  const std::vector<uint8_t> none = {0x00};
  EXPECT_EQ(parse_obd_stored_dtcs(none, codes).value(), 0u);
}

TEST(ObdResponse, RejectsBadDtcLists) {
  std::array<ObdDtc, 1> one{};
  const std::vector<uint8_t> short_list = {0x02, 0x01, 0x33};
  EXPECT_EQ(parse_obd_stored_dtcs(short_list, one).error().message(),
            "service 03 response announces 2 DTCs in 2 bytes");
  EXPECT_EQ(parse_obd_stored_dtcs({}, one).error().code(), ErrorCode::kMalformed);
  const std::vector<uint8_t> two = {0x02, 0x01, 0x33, 0xC1, 0x00};
  const Result<size_t> full = parse_obd_stored_dtcs(two, one);
  ASSERT_FALSE(full.has_value());
  EXPECT_EQ(full.error().code(), ErrorCode::kDataLoss);
}

TEST(ObdSupportedPids, ReadsThePublishedBitmap) {
  ObdSupportedPids supported;
  const std::vector<uint8_t> bitmap = {0xBE, 0x1F, 0xA8, 0x13};
  ASSERT_TRUE(supported.add_bitmap(0x00, bitmap).has_value());
  std::vector<int> pids;
  for (unsigned pid = 0; pid <= 0xFF; ++pid) {
    if (supported.supports(static_cast<uint8_t>(pid))) {
      pids.push_back(static_cast<int>(pid));
    }
  }
  EXPECT_EQ(pids, (std::vector<int>{0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0C, 0x0D, 0x0E, 0x0F,
                                    0x10, 0x11, 0x13, 0x15, 0x1C, 0x1F, 0x20}));
  EXPECT_EQ(supported.count(), 17);
  EXPECT_EQ(supported.next_bitmap(0x00), std::optional<uint8_t>(0x20));
  EXPECT_EQ(supported.next_bitmap(0x20), std::nullopt);
}

TEST(ObdSupportedPids, CoversTheLastBitmapAndRejectsBadOnes) {
  ObdSupportedPids supported;
  const std::vector<uint8_t> all = {0xFF, 0xFF, 0xFF, 0xFF};
  ASSERT_TRUE(supported.add_bitmap(0xE0, all).has_value());
  EXPECT_TRUE(supported.supports(0xE1));
  EXPECT_TRUE(supported.supports(0xFF));
  EXPECT_FALSE(supported.supports(0xE0));
  EXPECT_EQ(supported.count(), 31);
  EXPECT_EQ(supported.next_bitmap(0xE0), std::nullopt);
  EXPECT_EQ(supported.add_bitmap(0x10, all).error().message(),
            "PID 0x10 is no supported-PID bitmap");
  const std::vector<uint8_t> three = {1, 2, 3};
  EXPECT_EQ(supported.add_bitmap(0x00, three).error().message(),
            "supported-PID bitmap 0x00 of 3 bytes; it takes 4");
}

}  // namespace
}  // namespace autograph::can
