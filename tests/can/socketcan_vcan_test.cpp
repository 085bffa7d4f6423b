// SocketCanBus on real vcan interfaces: run in the QEMU guest by tests/vm/run (ctest:
// vm.socketcan); skipped, saying why, on a kernel without CAN. Frames are sent by a separate raw
// socket or by can-utils' canplayer replaying the real Kona capture.
#include <gtest/gtest.h>
#include <linux/can.h>
#include <linux/can/error.h>

#include <string>
#include <vector>

#include "autograph/can/socketcan_bus.hpp"
#include "autograph/can/socketcan_control.hpp"
#include "can/vcan_test_util.hpp"

namespace autograph::can {
namespace {

using testing_vcan::options_for;
using testing_vcan::read_frames;
using testing_vcan::realtime_ns;
using testing_vcan::shell;
using testing_vcan::VcanSender;

SocketCanBus open_or_fail(const SocketCanOptions& options) {
  auto bus = SocketCanBus::open(options);
  if (!bus.has_value()) {
    ADD_FAILURE() << bus.error().message();
    std::abort();
  }
  return std::move(*bus);
}

TEST(SocketCanBusOnVcan, ReceivesFramesWithIdsDataAndKernelTimestamps) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  SocketCanOptions options = options_for("vcan0", {}, true);
  options.bus = 5;
  SocketCanBus bus = open_or_fail(options);
  VcanSender sender("vcan0");
  const uint64_t before = realtime_ns();
  ASSERT_TRUE(sender.send(0x123, {0xDE, 0xAD, 0xBE, 0xEF}));
  ASSERT_TRUE(sender.send(CAN_EFF_FLAG | 0x18DB33F1, {0x02, 0x01, 0x0D}));
  ASSERT_TRUE(sender.send(CAN_RTR_FLAG | 0x7E0, {}));
  const uint64_t after = realtime_ns();
  const std::vector<CanFrame> frames = read_frames(bus, 3);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].id, 0x123u);
  EXPECT_EQ(frames[0].len, 4);
  EXPECT_EQ(frames[0].data[3], 0xEF);
  EXPECT_EQ(frames[0].bus, 5);
  EXPECT_EQ(frames[1].id, 0x18DB33F1u | CanFrame::kEffFlag);
  EXPECT_EQ(frames[1].data[2], 0x0D);
  EXPECT_EQ(frames[2].id, 0x7E0u);
  EXPECT_EQ(frames[2].flags, CanFrame::kRtr);
  for (const CanFrame& frame : frames) {
    EXPECT_GE(frame.t_ns, before);
    EXPECT_LE(frame.t_ns, after);
  }
  EXPECT_LE(frames[0].t_ns, frames[1].t_ns);
  EXPECT_LE(frames[1].t_ns, frames[2].t_ns);
  EXPECT_EQ(bus.kernel_drops(), 0u);
  EXPECT_EQ(bus.rejected_frames(), 0u);
}

TEST(SocketCanBusOnVcan, ReceivesClassicAndFdFramesSentByCansend) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  SocketCanBus bus = open_or_fail(options_for("vcan0", {}, true));
  ASSERT_EQ(shell("cansend vcan0 1F334455#1122334455667788"), 0);
  ASSERT_EQ(shell("cansend vcan0 123##1000102030405060708090A0B"), 0);
  const std::vector<CanFrame> frames = read_frames(bus, 2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].id, 0x1F334455u | CanFrame::kEffFlag);
  EXPECT_EQ(frames[0].len, 8);
  EXPECT_EQ(frames[0].data[7], 0x88);
  EXPECT_EQ(frames[1].id, 0x123u);
  EXPECT_EQ(frames[1].flags, CanFrame::kFd | CanFrame::kBrs);
  EXPECT_EQ(frames[1].len, 12);
  EXPECT_EQ(frames[1].data[11], 0x0B);
}

TEST(SocketCanBusOnVcan, FilterPassesOnlyTheListedIdsAndCanBeReplaced) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  SocketCanBus bus = open_or_fail(options_for("vcan0", {0x123, 0x18DAF110 | CanFrame::kEffFlag}));
  VcanSender sender("vcan0");
  ASSERT_TRUE(sender.send(0x124, {1}));
  ASSERT_TRUE(sender.send(0x123, {2}));
  ASSERT_TRUE(sender.send(CAN_EFF_FLAG | 0x123, {3}));  // same number, extended: not listed
  ASSERT_TRUE(sender.send(CAN_EFF_FLAG | 0x18DAF110, {4}));
  ASSERT_TRUE(sender.send(0x110, {5}));
  std::vector<CanFrame> frames = read_frames(bus, 10, 200);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].id, 0x123u);
  EXPECT_EQ(frames[1].id, 0x18DAF110u | CanFrame::kEffFlag);

  const std::vector<uint32_t> replaced{0x124};
  ASSERT_TRUE(bus.set_filter(replaced, false).has_value());
  ASSERT_TRUE(sender.send(0x123, {6}));
  ASSERT_TRUE(sender.send(0x124, {7}));
  frames = read_frames(bus, 10, 200);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].id, 0x124u);
  EXPECT_EQ(frames[0].data[0], 7);

  ASSERT_TRUE(bus.set_filter({}, false).has_value());
  ASSERT_TRUE(sender.send(0x124, {8}));
  EXPECT_TRUE(read_frames(bus, 1, 200).empty()) << "an empty filter list receives nothing";
  ASSERT_TRUE(bus.set_filter({}, true).has_value());
  ASSERT_TRUE(sender.send(0x555, {9}));
  EXPECT_EQ(read_frames(bus, 1, 500).size(), 1u) << "receive_all passes every frame";
}

TEST(SocketCanBusOnVcan, RefusesFiltersTheKernelCannotTake) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  std::vector<uint32_t> too_many(SocketCanBus::kMaxFilterIds + 1);
  for (size_t i = 0; i < too_many.size(); ++i) {
    too_many[i] = static_cast<uint32_t>(i);
  }
  auto opened = SocketCanBus::open(options_for("vcan0", too_many));
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), ErrorCode::kFailedPrecondition);
  auto bad_id = SocketCanBus::open(options_for("vcan0", {0x800}));
  ASSERT_FALSE(bad_id.has_value());
  EXPECT_EQ(bad_id.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(bad_id.error().message().find("0x800"), std::string::npos);
}

TEST(SocketCanBusOnVcan, ReceivesFdFramesOnlyWhenFdIsEnabled) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  SocketCanBus fd_bus = open_or_fail(options_for("vcan0", {}, true));
  SocketCanOptions classic_options = options_for("vcan0", {}, true);
  classic_options.fd = false;
  SocketCanBus classic_bus = open_or_fail(classic_options);
  VcanSender sender("vcan0");
  canfd_frame fd{};
  fd.can_id = 0x3A0;
  fd.len = 48;
  fd.flags = CANFD_BRS;
  for (uint8_t i = 0; i < 48; ++i) {
    fd.data[i] = static_cast<uint8_t>(0xF0 ^ i);
  }
  ASSERT_TRUE(sender.send(fd));
  ASSERT_TRUE(sender.send(0x3A1, {1, 2}));
  const std::vector<CanFrame> frames = read_frames(fd_bus, 2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].id, 0x3A0u);
  EXPECT_EQ(frames[0].len, 48);
  EXPECT_EQ(frames[0].flags, CanFrame::kFd | CanFrame::kBrs);
  EXPECT_EQ(frames[0].data[47], 0xF0 ^ 47);
  EXPECT_EQ(frames[1].flags, 0);
  const std::vector<CanFrame> classic_frames = read_frames(classic_bus, 2, 200);
  ASSERT_EQ(classic_frames.size(), 1u);
  EXPECT_EQ(classic_frames[0].id, 0x3A1u);
}

TEST(SocketCanBusOnVcan, ErrorFramesReachTheBusAndMoveItsState) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  SocketCanBus bus = open_or_fail(options_for("vcan0", {}));
  VcanSender sender("vcan0");
  can_frame passive{};
  passive.can_id = CAN_ERR_FLAG | CAN_ERR_CRTL;
  passive.len = CAN_ERR_DLC;
  passive.data[1] = CAN_ERR_CRTL_RX_PASSIVE;
  ASSERT_TRUE(sender.send(passive));
  std::vector<CanFrame> frames = read_frames(bus, 1);
  ASSERT_EQ(frames.size(), 1u) << "error frames pass even an empty id filter";
  EXPECT_EQ(frames[0].flags, CanFrame::kErr);
  EXPECT_EQ(bus.state(), BusState::kErrorPassive);
  can_frame bus_off{};
  bus_off.can_id = CAN_ERR_FLAG | CAN_ERR_BUSOFF;
  bus_off.len = CAN_ERR_DLC;
  ASSERT_TRUE(sender.send(bus_off));
  ASSERT_EQ(read_frames(bus, 1).size(), 1u);
  EXPECT_EQ(bus.state(), BusState::kBusOff);
  EXPECT_EQ(bus.error_frames(), 2u);
}

TEST(SocketCanBusOnVcan, CountsKernelDropsOfAFloodWhileNotReading) {
  AG_SKIP_WITHOUT_VCAN("vcan1");
  SocketCanOptions options = options_for("vcan1", {}, true);
  options.receive_buffer_bytes = 1;  // the kernel's minimum: a few frames
  SocketCanBus bus = open_or_fail(options);
  VcanSender sender("vcan1");
  constexpr int kFlood = 500;
  for (int i = 0; i < kFlood; ++i) {
    ASSERT_TRUE(sender.send(0x100, {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)}));
  }
  std::vector<CanFrame> frames = read_frames(bus, kFlood, 200);
  // The kernel reports its counter with the next frame it queues: send one after the flood.
  ASSERT_TRUE(sender.send(0x101, {}));
  const std::vector<CanFrame> marker = read_frames(bus, 1);
  ASSERT_EQ(marker.size(), 1u);
  EXPECT_EQ(marker[0].id, 0x101u);
  EXPECT_LT(frames.size(), size_t{kFlood});
  EXPECT_GT(bus.kernel_drops(), 0u);
  EXPECT_EQ(frames.size() + bus.kernel_drops(), size_t{kFlood})
      << "every frame sent was either received or counted as dropped";
}

TEST(SocketCanBusOnVcan, ReportsTheReceiveBufferItGot) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  SocketCanOptions options = options_for("vcan0", {}, true);
  options.receive_buffer_bytes = 8 << 20;
  SocketCanBus bus = open_or_fail(options);
  EXPECT_EQ(bus.report().requested_receive_buffer, 8 << 20);
  if (geteuid() == 0) {
    EXPECT_EQ(bus.report().receive_buffer, 16 << 20) << "SO_RCVBUFFORCE lifts rmem_max for root";
    EXPECT_FALSE(bus.report().receive_buffer_capped);
  } else {
    EXPECT_EQ(bus.report().receive_buffer_capped, bus.report().receive_buffer < 16 << 20);
  }
}

TEST(SocketCanBusOnVcan, InterfaceDownGivesUnavailableAndReopenAfterUpWorks) {
  AG_SKIP_WITHOUT_VCAN("vcan1");
  SocketCanBus bus = open_or_fail(options_for("vcan1", {}, true));
  ASSERT_EQ(shell("ip link set vcan1 down"), 0);
  std::vector<CanFrame> batch(8);
  Result<size_t> read = bus.read_batch(batch);
  for (int i = 0; i < 100 && read.has_value(); ++i) {
    read = bus.read_batch(batch);
  }
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(read.error().message().find("vcan1"), std::string::npos);
  EXPECT_EQ(bus.state(), BusState::kDown);
  auto while_down = SocketCanBus::open(options_for("vcan1", {}, true));
  ASSERT_FALSE(while_down.has_value());
  EXPECT_EQ(while_down.error().code(), ErrorCode::kUnavailable);

  ASSERT_EQ(shell("ip link set vcan1 up"), 0);
  SocketCanBus reopened = open_or_fail(options_for("vcan1", {}, true));
  VcanSender sender("vcan1");
  ASSERT_TRUE(sender.send(0x55, {5}));
  const std::vector<CanFrame> frames = read_frames(reopened, 1);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].id, 0x55u);
}

TEST(SocketCanBusOnVcan, InterfaceRemovedGivesUnavailable) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  ASSERT_EQ(shell("ip link add dev vcan9 type vcan && ip link set vcan9 up"), 0);
  SocketCanBus bus = open_or_fail(options_for("vcan9", {}, true));
  ASSERT_EQ(shell("ip link del vcan9"), 0);
  std::vector<CanFrame> batch(8);
  Result<size_t> read = bus.read_batch(batch);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(read.error().message().find("vcan9"), std::string::npos);
  EXPECT_EQ(bus.state(), BusState::kDown);
  auto reopened = SocketCanBus::open(options_for("vcan9", {}, true));
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().code(), ErrorCode::kUnavailable) << "retry later, it may come back";
}

TEST(SocketCanControl, RefusesBitrateAndRestartOnAVirtualInterface) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  auto bitrate = SocketCanControl::set_bitrate("vcan0", 500000);
  ASSERT_FALSE(bitrate.has_value());
  EXPECT_NE(bitrate.error().message().find("vcan0"), std::string::npos);
  auto restart = SocketCanControl::restart("vcan0");
  ASSERT_FALSE(restart.has_value());
  EXPECT_EQ(restart.error().code(), ErrorCode::kUnavailable);
}

TEST(SocketCanControl, StartBringsADownInterfaceUpAndNamesAMissingOne) {
  AG_SKIP_WITHOUT_VCAN("vcan0");
  ASSERT_EQ(shell("ip link add dev vcan8 type vcan"), 0);
  EXPECT_FALSE(SocketCanBus::open(options_for("vcan8", {}, true)).has_value()) << "it is down";
  ASSERT_TRUE(SocketCanControl::start("vcan8").has_value());
  EXPECT_TRUE(SocketCanBus::open(options_for("vcan8", {}, true)).has_value());
  ASSERT_EQ(shell("ip link del vcan8"), 0);
  auto missing = SocketCanControl::start("vcan8");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(missing.error().message().find("vcan8"), std::string::npos);
}

}  // namespace
}  // namespace autograph::can
