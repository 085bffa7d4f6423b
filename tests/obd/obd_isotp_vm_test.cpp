// ISO-TP edge cases against the kernel's CAN_ISOTP stack, in the QEMU guest, driven by raw
// frames from the test: sequence numbers wrapping past 15 (with a configured block size), a
// wrong sequence number, consecutive frames that stop coming, flow-control WAIT on our own
// multi-frame message, and the poller counting and reporting each while it goes on polling.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograph/can/isotp_socket.hpp"
#include "autograph/can/obd_poller.hpp"
#include "obd/obd_vm_support.hpp"

namespace autograph::obd_vm {
namespace {

using can::IsoTpSocket;

constexpr const char* kBus = "vcan1";

IsoTpSocket tester(uint8_t block_size = 0) {
  can::IsoTpOptions options;
  options.interface = kBus;
  options.tx_id = 0x7E0;
  options.rx_id = 0x7E8;
  options.block_size = block_size;
  Result<IsoTpSocket> socket = IsoTpSocket::open(options);
  EXPECT_TRUE(socket.has_value()) << socket.error().message();
  return std::move(*socket);
}

// The consecutive frames of `message` after its first six bytes, sequence numbers from 1.
std::vector<std::vector<uint8_t>> consecutive_frames(const std::vector<uint8_t>& message) {
  std::vector<std::vector<uint8_t>> frames;
  uint8_t sn = 1;
  for (size_t at = 6; at < message.size(); at += 7) {
    std::vector<uint8_t> cf = {static_cast<uint8_t>(0x20 | sn)};
    for (size_t i = at; i < at + 7; ++i) {
      cf.push_back(i < message.size() ? message[i] : 0xAA);
    }
    frames.push_back(cf);
    sn = static_cast<uint8_t>((sn + 1) & 0x0F);
  }
  return frames;
}

std::vector<uint8_t> first_frame(const std::vector<uint8_t>& message) {
  std::vector<uint8_t> ff = {static_cast<uint8_t>(0x10 | message.size() >> 8),
                             static_cast<uint8_t>(message.size())};
  ff.insert(ff.end(), message.begin(), message.begin() + 6);
  return ff;
}

// Waits up to `timeout_ms` for a message or an error on `socket`.
Result<size_t> receive_within(IsoTpSocket& socket, std::array<uint8_t, 4095>& buffer,
                              int timeout_ms) {
  const int64_t end = monotonic_ms() + timeout_ms;
  while (monotonic_ms() < end) {
    pollfd waiting{socket.fd(), POLLIN, 0};
    poll(&waiting, 1, 10);
    Result<size_t> got = socket.receive(buffer);
    if (!got.has_value() || *got > 0) {
      return got;
    }
  }
  return size_t{0};
}

TEST(IsoTpInGuest, ReassemblesPastSequenceNumberFifteenWithTheConfiguredBlockSize) {
  AG_SKIP_WITHOUT_ISOTP(kBus);
  RawCan ecu(kBus);
  IsoTpSocket socket = tester(8);
  std::vector<uint8_t> message(130);
  for (size_t i = 0; i < message.size(); ++i) {
    message[i] = static_cast<uint8_t>(i * 7);
  }
  std::vector<can_frame> seen;
  ASSERT_TRUE(ecu.send(0x7E8, first_frame(message)));
  const std::vector<std::vector<uint8_t>> cfs = consecutive_frames(message);
  ASSERT_EQ(cfs.size(), 18u);  // sequence numbers 1..15, 0, 1, 2
  int flow_controls = 0;
  for (size_t i = 0; i < cfs.size(); ++i) {
    if (i % 8 == 0) {  // block size 8: a flow control before every eighth frame
      const can_frame fc = ecu.wait_for(0x7E0, 2'000, seen);
      ASSERT_EQ(fc.can_id, 0x7E0u) << "no flow control before frame " << i;
      EXPECT_EQ(fc.len, 8);  // padded
      EXPECT_EQ(fc.data[0], 0x30);
      EXPECT_EQ(fc.data[1], 8);
      ++flow_controls;
    }
    ASSERT_TRUE(ecu.send(0x7E8, cfs[i]));
  }
  EXPECT_EQ(flow_controls, 3);
  std::array<uint8_t, 4095> buffer{};
  const Result<size_t> got = receive_within(socket, buffer, 2'000);
  ASSERT_TRUE(got.has_value()) << got.error().message();
  ASSERT_EQ(*got, message.size());
  EXPECT_TRUE(std::equal(message.begin(), message.end(), buffer.begin()));
}

TEST(IsoTpInGuest, ReportsAWrongSequenceNumber) {
  AG_SKIP_WITHOUT_ISOTP(kBus);
  RawCan ecu(kBus);
  IsoTpSocket socket = tester();
  const std::vector<uint8_t> message(20, 0x42);
  std::vector<can_frame> seen;
  ASSERT_TRUE(ecu.send(0x7E8, first_frame(message)));
  ASSERT_EQ(ecu.wait_for(0x7E0, 2'000, seen).can_id, 0x7E0u);
  std::vector<std::vector<uint8_t>> cfs = consecutive_frames(message);
  cfs[1][0] = 0x23;  // 3 instead of 2
  ASSERT_TRUE(ecu.send(0x7E8, cfs[0]));
  ASSERT_TRUE(ecu.send(0x7E8, cfs[1]));
  std::array<uint8_t, 4095> buffer{};
  const Result<size_t> got = receive_within(socket, buffer, 2'000);
  ASSERT_FALSE(got.has_value()) << "a message of " << *got << " bytes arrived";
  EXPECT_EQ(got.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(got.error().message(), "vcan1 7E0->7E8: wrong sequence number in a consecutive frame");
}

TEST(IsoTpInGuest, ReportsConsecutiveFramesThatStopComing) {
  AG_SKIP_WITHOUT_ISOTP(kBus);
  RawCan ecu(kBus);
  IsoTpSocket socket = tester();
  const std::vector<uint8_t> message(20, 0x42);
  std::vector<can_frame> seen;
  ASSERT_TRUE(ecu.send(0x7E8, first_frame(message)));
  ASSERT_EQ(ecu.wait_for(0x7E0, 2'000, seen).can_id, 0x7E0u);
  ASSERT_TRUE(ecu.send(0x7E8, consecutive_frames(message)[0]));
  const int64_t start = monotonic_ms();
  std::array<uint8_t, 4095> buffer{};
  const Result<size_t> got = receive_within(socket, buffer, 5'000);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(got.error().message(), "vcan1 7E0->7E8: timeout waiting for a consecutive frame");
  EXPECT_GE(monotonic_ms() - start, 500);  // the kernel's N_Cr is 1 s
}

TEST(IsoTpInGuest, WaitsThroughFlowControlWaitAndTimesOutWithoutClearToSend) {
  AG_SKIP_WITHOUT_ISOTP(kBus);
  RawCan ecu(kBus);
  IsoTpSocket socket = tester();
  std::vector<uint8_t> message(30);
  for (size_t i = 0; i < message.size(); ++i) {
    message[i] = static_cast<uint8_t>(i);
  }
  std::vector<can_frame> seen;
  ASSERT_TRUE(socket.send(message).has_value());
  const can_frame ff = ecu.wait_for(0x7E0, 2'000, seen);
  ASSERT_EQ(ff.data[0], 0x10);
  ASSERT_EQ(ff.data[1], 30);
  for (int i = 0; i < 3; ++i) {  // WAIT, WAIT, WAIT, 400 ms apart, then clear to send
    ASSERT_TRUE(ecu.send(0x7E8, {0x31, 0x00, 0x00}));
    usleep(400'000);
  }
  ASSERT_TRUE(ecu.send(0x7E8, {0x30, 0x00, 0x00}));
  std::vector<uint8_t> received(ff.data + 2, ff.data + 8);
  for (int i = 0; i < 4; ++i) {
    const can_frame cf = ecu.wait_for(0x7E0, 2'000, seen);
    ASSERT_EQ(cf.data[0], 0x21 + i);
    received.insert(received.end(), cf.data + 1, cf.data + cf.len);
  }
  received.resize(message.size());
  EXPECT_EQ(received, message);

  // WAIT and nothing more: the kernel gives up (N_Bs) and reports it.
  ASSERT_TRUE(socket.send(message).has_value());
  ASSERT_EQ(ecu.wait_for(0x7E0, 2'000, seen).data[0], 0x10);
  ASSERT_TRUE(ecu.send(0x7E8, {0x31, 0x00, 0x00}));
  std::array<uint8_t, 4095> buffer{};
  const Result<size_t> got = receive_within(socket, buffer, 5'000);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message(), "vcan1 7E0->7E8: no flow control for our message in time");
}

}  // namespace
}  // namespace autograph::obd_vm
