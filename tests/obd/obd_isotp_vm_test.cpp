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

namespace autograph::obd_vm {
namespace {

// One ECU played with raw frames: it answers discovery and PID 0x0D in single frames, the VIN
// first with a wrong sequence number, then with consecutive frames that stop, then correctly,
// and the stored DTCs with 60 codes (122 bytes: sequence numbers wrap past 15). While the second
// VIN answer stalls it answers nothing (a real ECU sends one message at a time).
class RawEcu {
 public:
  explicit RawEcu(RawCan& bus) : bus_(bus) {}

  void serve() {
    for (const can_frame& f : bus_.drain()) {
      if (f.can_id != 0x7DF && f.can_id != 0x7E0) {
        continue;
      }
      if (f.data[0] >> 4 == 3 && !pending_.empty()) {
        for (const std::vector<uint8_t>& cf : pending_) {
          EXPECT_TRUE(bus_.send(0x7E8, cf));
        }
        pending_.clear();
      } else if (f.data[0] >> 4 == 0 && monotonic_ms() >= busy_until_) {
        answer(std::vector<uint8_t>(f.data + 1, f.data + 1 + (f.data[0] & 0x0F)));
      }
    }
  }
  int vin_requests = 0;

 private:
  void answer(const std::vector<uint8_t>& request) {
    if (request == std::vector<uint8_t>{0x01, 0x00}) {
      EXPECT_TRUE(bus_.send(0x7E8, {0x06, 0x41, 0x00, 0x00, 0x08, 0x00, 0x00, 0xAA}));
    } else if (request == std::vector<uint8_t>{0x01, 0x0D}) {
      EXPECT_TRUE(bus_.send(0x7E8, {0x03, 0x41, 0x0D, 0x32, 0xAA, 0xAA, 0xAA, 0xAA}));
    } else if (request == std::vector<uint8_t>{0x09, 0x02}) {
      const std::string vin = "KMHK381GFMU123456";
      std::vector<uint8_t> message = {0x49, 0x02, 0x01};
      message.insert(message.end(), vin.begin(), vin.end());
      start(message);
      if (++vin_requests == 1) {
        pending_[1][0] = 0x23;  // sequence number 3 where 2 belongs
      } else if (vin_requests == 2) {
        // Then silence, answering nothing else for a while: any single or first frame from
        // this ECU would make the kernel drop the stalled message silently, before its timeout.
        pending_.resize(1);
        busy_until_ = monotonic_ms() + 1'200;
      }
    } else if (request == std::vector<uint8_t>{0x03}) {
      std::vector<uint8_t> message = {0x43, 60};
      for (int i = 0; i < 60; ++i) {
        message.insert(message.end(), {0x01, static_cast<uint8_t>(i)});
      }
      start(message);
    }
  }
  void start(const std::vector<uint8_t>& message) {
    EXPECT_TRUE(bus_.send(0x7E8, first_frame(message)));
    pending_ = consecutive_frames(message);
  }

  RawCan& bus_;
  std::vector<std::vector<uint8_t>> pending_;  // consecutive frames awaiting flow control
  int64_t busy_until_ = 0;
};

TEST(ObdPollerInGuest, ReportsIsoTpFailuresAndGoesOnPolling) {
  AG_SKIP_WITHOUT_ISOTP(kBus);
  RawCan bus(kBus);
  RawEcu ecu(bus);
  can::ObdPollerOptions options;
  options.interface = kBus;
  options.scheduler.min_request_gap_ms = 20;
  options.scheduler.response_timeout_ms = 150;
  // VIN retries after 0.8 s, then 1.6 s: longer than the kernel's 1 s N_Cr.
  options.scheduler.backoff_initial_ms = 800;
  Result<can::ObdPoller> poller = can::ObdPoller::open(options);
  ASSERT_TRUE(poller.has_value()) << poller.error().message();
  // 0x0D once a second: while the ECU is busy at most two windows go unanswered, fewer than
  // the three after which the poller would take the vehicle to be asleep.
  poller->set_policy({true, {0x0D}, 1000});

  std::vector<std::string> errors;  // each new last_error(), in order
  int speeds = 0;
  drive(
      *poller, 6'000,
      [&](const can::CanFrame& frame) {
        speeds += frame.len == 3 && frame.data[0] == 0x41 && frame.data[1] == 0x0D ? 1 : 0;
      },
      [&] {
        ecu.serve();
        if (!poller->last_error().empty() &&
            (errors.empty() || errors.back() != poller->last_error())) {
          errors.push_back(poller->last_error());
        }
      });
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "vcan1 7E0->7E8: wrong sequence number in a consecutive frame",
                        "vcan1 7E0->7E8: timeout waiting for a consecutive frame"}));
  EXPECT_EQ(poller->counters().isotp_errors, 2u);
  EXPECT_EQ(ecu.vin_requests, 3);
  EXPECT_TRUE(poller->scheduler().vin_known());
  EXPECT_EQ(poller->counters().oversize, 1u);  // the 122-byte DTC list arrived whole
  EXPECT_GE(speeds, 4);                        // 0x0D went on throughout
  EXPECT_EQ(poller->scheduler().counters().ignition_cycles, 1u);
}

}  // namespace
}  // namespace autograph::obd_vm
