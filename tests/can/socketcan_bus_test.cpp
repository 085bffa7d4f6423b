// SocketCanBus parts that need no CAN kernel: converting datagrams laid out as the kernel's
// frames (fed through a socketpair, which also delivers the wrong sizes the kernel never would),
// bus state from error frames, and open()'s errors. socketcan_vcan_test.cpp reads real vcan.
#include "autograph/can/socketcan_bus.hpp"

#include <gtest/gtest.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <vector>

#include "autograph/can/socketcan_control.hpp"

namespace autograph::can {
namespace {

// A bus reading one end of a datagram socketpair; the test writes raw datagrams to the other.
class AdoptedBus {
 public:
  explicit AdoptedBus(size_t max_batch = 64) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, fds), 0);
    peer_ = fds[1];
    auto adopted = SocketCanBus::adopt_datagram_socket(fds[0], "pair0", 3, max_batch);
    EXPECT_TRUE(adopted.has_value());
    bus_.emplace(std::move(*adopted));
  }
  ~AdoptedBus() { static_cast<void>(close(peer_)); }

  void send_bytes(const void* bytes, size_t size) {
    ASSERT_EQ(write(peer_, bytes, size), static_cast<ssize_t>(size));
  }
  template <typename Frame>
  void send(const Frame& frame) {
    send_bytes(&frame, sizeof frame);
  }
  SocketCanBus& bus() { return *bus_; }

 private:
  int peer_ = -1;
  std::optional<SocketCanBus> bus_;
};

can_frame classic(canid_t id, std::initializer_list<uint8_t> data) {
  can_frame frame{};
  frame.can_id = id;
  frame.len = static_cast<uint8_t>(data.size());
  std::copy(data.begin(), data.end(), frame.data);
  return frame;
}

can_frame error_frame(canid_t error_class, uint8_t controller) {
  can_frame frame = classic(CAN_ERR_FLAG | error_class, {0, controller, 0, 0, 0, 0, 0, 0});
  return frame;
}

TEST(SocketCanBus, ConvertsStandardExtendedAndRemoteFrames) {
  AdoptedBus pair;
  pair.send(classic(0x123, {1, 2, 3}));
  pair.send(classic(CAN_EFF_FLAG | 0x18DAF110, {0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x11, 0x22}));
  can_frame remote = classic(CAN_RTR_FLAG | 0x7DF, {});
  remote.len = 8;
  pair.send(remote);
  std::array<CanFrame, 8> out;
  auto got = pair.bus().read_batch(out);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  ASSERT_EQ(*got, 3u);
  EXPECT_EQ(out[0].id, 0x123u);
  EXPECT_EQ(out[0].len, 3);
  EXPECT_EQ(out[0].flags, 0);
  EXPECT_EQ(out[0].bus, 3);
  EXPECT_EQ(out[0].data[2], 3);
  EXPECT_EQ(out[0].data[3], 0);
  EXPECT_EQ(out[1].id, 0x18DAF110u | CanFrame::kEffFlag);
  EXPECT_EQ(out[1].len, 8);
  EXPECT_EQ(out[1].data[7], 0x22);
  EXPECT_EQ(out[2].id, 0x7DFu);
  EXPECT_EQ(out[2].flags, CanFrame::kRtr);
  EXPECT_EQ(out[2].len, 8);
  // No kernel timestamp on a socketpair: the read time stands in, and it is a real time.
  EXPECT_GT(out[0].t_ns, 1'600'000'000'000'000'000u);
  EXPECT_EQ(pair.bus().rejected_frames(), 0u);
}

TEST(SocketCanBus, ConvertsFdFramesWithTheirFlags) {
  AdoptedBus pair;
  canfd_frame fd{};
  fd.can_id = 0x456;
  fd.len = 64;
  fd.flags = CANFD_BRS | CANFD_ESI | CANFD_FDF;
  for (int i = 0; i < 64; ++i) {
    fd.data[i] = static_cast<uint8_t>(i);
  }
  pair.send(fd);
  std::array<CanFrame, 4> out;
  auto got = pair.bus().read_batch(out);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(*got, 1u);
  EXPECT_EQ(out[0].id, 0x456u);
  EXPECT_EQ(out[0].len, 64);
  EXPECT_EQ(out[0].flags, CanFrame::kFd | CanFrame::kBrs | CanFrame::kEsi);
  EXPECT_EQ(out[0].data[63], 63);
}

TEST(SocketCanBus, KeepsTheRawDlcOfClassicFramesWithEightBytes) {
  AdoptedBus pair;
  can_frame frame = classic(0x10, {1, 2, 3, 4, 5, 6, 7, 8});
  frame.len8_dlc = 12;
  pair.send(frame);
  std::array<CanFrame, 1> out;
  auto got = pair.bus().read_batch(out);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(*got, 1u);
  EXPECT_EQ(out[0].len8_dlc, 12);
}

TEST(SocketCanBus, CountsDatagramsOfOtherSizesAndBadLengthsWithoutDeliveringThem) {
  AdoptedBus pair;
  const std::array<uint8_t, 100> bytes{};
  pair.send_bytes(bytes.data(), 0);              // empty
  pair.send_bytes(bytes.data(), CAN_MTU - 1);    // short classic
  pair.send_bytes(bytes.data(), CAN_MTU + 1);    // between the two sizes
  pair.send_bytes(bytes.data(), CANFD_MTU + 1);  // longer than any frame: truncated
  pair.send_bytes(bytes.data(), bytes.size());
  can_frame too_long = classic(0x1, {});
  too_long.len = 9;  // a classic frame cannot hold 9 bytes
  pair.send(too_long);
  canfd_frame fd_too_long{};
  fd_too_long.len = 65;
  pair.send(fd_too_long);
  pair.send(classic(0x321, {7}));
  std::array<CanFrame, 16> out;
  auto got = pair.bus().read_batch(out);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(*got, 1u);
  EXPECT_EQ(out[0].id, 0x321u);
  EXPECT_EQ(pair.bus().rejected_frames(), 7u);
}

TEST(SocketCanBus, ReadsAtMostTheBatchSizeAndTheSpanSize) {
  AdoptedBus pair(2);
  for (canid_t id = 1; id <= 5; ++id) {
    pair.send(classic(id, {}));
  }
  std::array<CanFrame, 8> out;
  auto first = pair.bus().read_batch(out);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, 2u);
  auto second = pair.bus().read_batch(std::span<CanFrame>(out.data(), 1));
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(*second, 1u);
  EXPECT_EQ(out[0].id, 3u);
  auto none = pair.bus().read_batch(std::span<CanFrame>());
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, 0u);
  auto rest = pair.bus().read_batch(out);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(*rest, 2u);
  auto empty = pair.bus().read_batch(out);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, 0u) << "an empty socket reads nothing and does not block";
}

TEST(SocketCanBus, TracksBusStateFromErrorFrames) {
  AdoptedBus pair;
  std::array<CanFrame, 4> out;
  auto read_one = [&] {
    auto got = pair.bus().read_batch(out);
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(*got, 1u);
    EXPECT_EQ(out[0].flags, CanFrame::kErr);
  };
  EXPECT_EQ(pair.bus().state(), BusState::kOk);
  pair.send(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_RX_WARNING));
  read_one();
  EXPECT_EQ(pair.bus().state(), BusState::kOk) << "a warning is not error-passive yet";
  pair.send(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_TX_PASSIVE));
  read_one();
  EXPECT_EQ(out[0].id, CAN_ERR_CRTL);
  EXPECT_EQ(pair.bus().state(), BusState::kErrorPassive);
  pair.send(error_frame(CAN_ERR_BUSOFF, 0));
  read_one();
  EXPECT_EQ(pair.bus().state(), BusState::kBusOff);
  pair.send(error_frame(CAN_ERR_RESTARTED, 0));
  read_one();
  EXPECT_EQ(pair.bus().state(), BusState::kOk);
  pair.send(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_RX_PASSIVE));
  read_one();
  EXPECT_EQ(pair.bus().state(), BusState::kErrorPassive);
  pair.send(error_frame(CAN_ERR_CRTL, CAN_ERR_CRTL_ACTIVE));
  read_one();
  EXPECT_EQ(pair.bus().state(), BusState::kOk);
  EXPECT_EQ(pair.bus().error_frames(), 6u);
}

TEST(SocketCanBus, RefusesAFilterOnAnAdoptedSocket) {
  AdoptedBus pair;
  const std::vector<uint32_t> ids{0x123};
  auto set = pair.bus().set_filter(ids, false);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(SocketCanBus, MovesKeepTheSocketAndCounters) {
  AdoptedBus pair;
  const std::array<uint8_t, 3> junk{};
  pair.send_bytes(junk.data(), junk.size());
  pair.send(classic(0x42, {1}));
  SocketCanBus moved = std::move(pair.bus());
  std::array<CanFrame, 4> out;
  auto got = moved.read_batch(out);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(*got, 1u);
  EXPECT_EQ(out[0].id, 0x42u);
  EXPECT_EQ(moved.rejected_frames(), 1u);
  EXPECT_EQ(moved.interface(), "pair0");
  EXPECT_EQ(pair.bus().fd(), -1);
}

TEST(SocketCanBus, RejectsBadNamesAndBufferSizesBeforeTouchingTheKernel) {
  SocketCanOptions options;
  options.interface = "";
  auto empty = SocketCanBus::open(options);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code(), ErrorCode::kFailedPrecondition);
  options.interface = "vcan0";
  options.receive_buffer_bytes = 0;
  auto no_buffer = SocketCanBus::open(options);
  ASSERT_FALSE(no_buffer.has_value());
  EXPECT_EQ(no_buffer.error().code(), ErrorCode::kFailedPrecondition);
  options.receive_buffer_bytes = 1 << 20;
  options.interface = "a-name-of-16-chr";
  auto long_name = SocketCanBus::open(options);
  ASSERT_FALSE(long_name.has_value());
  EXPECT_EQ(long_name.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(long_name.error().message().find("a-name-of-16-chr"), std::string::npos);
}

TEST(SocketCanBus, ReportsAMissingInterfaceOrMissingCanSupportAsUnavailable) {
  SocketCanOptions options;
  options.interface = "agmissing0";
  auto bus = SocketCanBus::open(options);
  ASSERT_FALSE(bus.has_value());
  EXPECT_EQ(bus.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(bus.error().message().find("agmissing0"), std::string::npos) << bus.error().message();
}

TEST(SocketCanBusDeathTest, AbortsOnABatchSizeOutOfRange) {
  SocketCanOptions options;
  options.interface = "vcan0";
  options.max_batch = 0;
  EXPECT_DEATH(static_cast<void>(SocketCanBus::open(options)), "max_batch");
  options.max_batch = SocketCanBus::kMaxBatch + 1;
  EXPECT_DEATH(static_cast<void>(SocketCanBus::open(options)), "max_batch");
}

TEST(SocketCanControl, ReportsFailuresNamingTheInterface) {
  auto bitrate = SocketCanControl::set_bitrate("agmissing0", 500000);
  ASSERT_FALSE(bitrate.has_value());
  EXPECT_EQ(bitrate.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(bitrate.error().message().find("agmissing0"), std::string::npos);
  auto restart = SocketCanControl::restart("agmissing0");
  ASSERT_FALSE(restart.has_value());
  EXPECT_EQ(restart.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(restart.error().message().find("agmissing0"), std::string::npos);
}

}  // namespace
}  // namespace autograph::can
