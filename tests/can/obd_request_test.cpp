// OBD-II request encoding: only services 01, 03 and 09 can ever be encoded.
#include "autograph/can/obd_request.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace autograph::can {
namespace {

using Buffer = std::array<uint8_t, kMaxObdRequestSize>;

TEST(ObdRequest, EncodesServiceOneWithUpToSixPids) {
  Buffer out{};
  const std::vector<uint8_t> pids = {0x0C, 0x0D, 0x05, 0x2F, 0x46, 0xA6};
  const Result<size_t> n = encode_obd_request(kObdCurrentData, pids, out);
  ASSERT_TRUE(n.has_value()) << n.error().message();
  EXPECT_EQ(*n, 7u);
  EXPECT_EQ(out, (Buffer{0x01, 0x0C, 0x0D, 0x05, 0x2F, 0x46, 0xA6}));
  const std::vector<uint8_t> one = {0x00};
  EXPECT_EQ(encode_obd_request(kObdCurrentData, one, out).value(), 2u);
  EXPECT_EQ(out[0], 0x01);
  EXPECT_EQ(out[1], 0x00);
}

TEST(ObdRequest, EncodesStoredDtcsAndVin) {
  Buffer out{};
  EXPECT_EQ(encode_obd_request(kObdStoredDtcs, {}, out).value(), 1u);
  EXPECT_EQ(out[0], 0x03);
  const std::vector<uint8_t> vin = {0x02};
  EXPECT_EQ(encode_obd_request(kObdVehicleInfo, vin, out).value(), 2u);
  EXPECT_EQ(out[0], 0x09);
  EXPECT_EQ(out[1], 0x02);
}

TEST(ObdRequest, RefusesEveryOtherService) {
  const std::vector<uint8_t> pid = {0x00};
  int refused = 0;
  for (unsigned service = 0; service <= 0xFF; ++service) {
    Buffer out{};
    const auto s = static_cast<uint8_t>(service);
    const std::span<const uint8_t> pids =
        s == kObdStoredDtcs ? std::span<const uint8_t>() : std::span<const uint8_t>(pid);
    const Result<size_t> n = encode_obd_request(s, pids, out);
    if (s == 0x01 || s == 0x03 || s == 0x09) {
      EXPECT_TRUE(n.has_value()) << service;
      continue;
    }
    ASSERT_FALSE(n.has_value()) << "service " << service << " was encoded";
    EXPECT_EQ(n.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(out, Buffer{}) << "service " << service << " touched the buffer";
    ++refused;
  }
  EXPECT_EQ(refused, 253);
  Buffer out{};
  const Result<size_t> clear = encode_obd_request(0x04, {}, out);
  ASSERT_FALSE(clear.has_value());
  EXPECT_EQ(clear.error().message(),
            "OBD service 0x04 refused: autograph sends only services 01, 03 and 09");
}

TEST(ObdRequest, RefusesWrongPidCounts) {
  Buffer out{};
  const std::vector<uint8_t> seven = {1, 2, 3, 4, 5, 6, 7};
  const std::vector<uint8_t> two = {0x02, 0x04};
  const Result<size_t> many = encode_obd_request(kObdCurrentData, seven, out);
  ASSERT_FALSE(many.has_value());
  EXPECT_EQ(many.error().message(), "OBD service 01 request with 7 PIDs; it takes 1 to 6");
  EXPECT_FALSE(encode_obd_request(kObdCurrentData, {}, out).has_value());
  EXPECT_FALSE(encode_obd_request(kObdStoredDtcs, two, out).has_value());
  EXPECT_FALSE(encode_obd_request(kObdVehicleInfo, two, out).has_value());
  EXPECT_FALSE(encode_obd_request(kObdVehicleInfo, {}, out).has_value());
  EXPECT_EQ(out, Buffer{});
}

}  // namespace
}  // namespace autograph::can
