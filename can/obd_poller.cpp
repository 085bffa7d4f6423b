// ObdPoller: sockets, timer and epoll around the ObdScheduler (see the header).
#include "autograph/can/obd_poller.hpp"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "autograph/can/obd_request.hpp"
#include "autograph/can/obd_response.hpp"

namespace autograph::can {
namespace {

constexpr uint32_t kFunctional11 = 0x7DF;
constexpr uint32_t kFunctional29 = 0x18DB33F1u | CanFrame::kEffFlag;
constexpr uint32_t kToTester29 = 0x18DAF100u;  // | xx: ECU xx answering the tester (0xF1)
constexpr uint64_t kWakeTag = 0xFFFF;          // every event only wakes read_batch()
static_assert(ObdAddressBook::kSlots == ObdScheduler::kMaxEcus);

int64_t monotonic_ms() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

uint64_t realtime_ns() noexcept {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

std::string errno_text(int error) { return std::system_category().message(error); }

// 29-bit IDs of ECU `address`: its answers to the tester, and the tester's requests and flow
// control to it.
uint32_t answer_id29(uint8_t address) noexcept {
  return kToTester29 | address | CanFrame::kEffFlag;
}
uint32_t physical_id29(uint8_t address) noexcept {
  return 0x18DA00F1u | uint32_t{address} << 8 | CanFrame::kEffFlag;
}

}  // namespace

ObdPoller::ObdPoller(ObdPollerOptions options, ObdScheduler scheduler, ObdAddressBook book)
    : options_(std::move(options)), scheduler_(scheduler), book_(book) {}

ObdPoller::ObdPoller(ObdPoller&& other) noexcept
    : options_(std::move(other.options_)),
      scheduler_(other.scheduler_),
      book_(other.book_),
      sockets_(std::move(other.sockets_)),
      watch_(std::move(other.watch_)),
      epoll_fd_(std::exchange(other.epoll_fd_, -1)),
      timer_fd_(std::exchange(other.timer_fd_, -1)),
      counters_(other.counters_),
      last_error_(std::move(other.last_error_)) {}

ObdPoller::~ObdPoller() {
  for (const int fd : {epoll_fd_, timer_fd_}) {
    if (fd >= 0) {
      static_cast<void>(::close(fd));
    }
  }
}

uint32_t ObdPoller::response_id(int ecu) const noexcept {
  if (options_.extended_ids) {
    return answer_id29(book_.address(ecu));
  }
  return 0x7E8u + static_cast<uint32_t>(ecu);
}

Result<ObdPoller> ObdPoller::open(const ObdPollerOptions& options) {
  Result<ObdAddressBook> book = ObdAddressBook::create(options.extended_addresses);
  if (!book) {
    return tl::unexpected(book.error().with_context(options.interface));
  }
  ObdPoller poller(options, ObdScheduler(options.scheduler), *book);
  if (auto opened = poller.open_sockets(); !opened) {
    return tl::unexpected(opened.error());
  }
  return poller;
}

IsoTpOptions ObdPoller::slot_options(int ecu) const {
  IsoTpOptions iso;
  iso.interface = options_.interface;
  iso.padding = options_.padding;
  iso.block_size = options_.block_size;
  iso.stmin = options_.stmin;
  iso.sf_broadcast = ecu < 0;
  if (ecu < 0) {
    iso.tx_id = options_.extended_ids ? kFunctional29 : kFunctional11;
    iso.rx_id = iso.tx_id;  // send-only: sf_broadcast sockets never receive
  } else if (options_.extended_ids) {
    iso.tx_id = physical_id29(book_.address(ecu));
    iso.rx_id = answer_id29(book_.address(ecu));
  } else {
    iso.tx_id = 0x7E0u + static_cast<uint32_t>(ecu);
    iso.rx_id = response_id(ecu);
  }
  return iso;
}

Result<void> ObdPoller::open_sockets() {
  for (int ecu = -1; ecu < ObdScheduler::kMaxEcus; ++ecu) {
    Result<IsoTpSocket> socket = IsoTpSocket::open(slot_options(ecu));
    if (!socket) {
      return tl::unexpected(socket.error());
    }
    sockets_.push_back(std::move(*socket));
  }
  if (options_.extended_ids) {
    SocketCanOptions raw;
    raw.interface = options_.interface;
    for (unsigned address = 0; address <= 0xFF; ++address) {
      raw.ids.push_back(answer_id29(static_cast<uint8_t>(address)));
    }
    raw.receive_buffer_bytes = 64 << 10;  // answers are a few frames per request
    raw.max_batch = watched_.size();
    Result<SocketCanBus> bus = SocketCanBus::open(raw);
    if (!bus) {
      return tl::unexpected(bus.error().with_context("OBD-II 29-bit answer watch"));
    }
    watch_.emplace(std::move(*bus));
  }
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (epoll_fd_ < 0 || timer_fd_ < 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "OBD poller on {}: epoll/timerfd: {}", options_.interface,
                errno_text(error));
  }
  for (const IsoTpSocket& socket : sockets_) {
    if (auto added = add_to_epoll(socket.fd()); !added) {
      return added;
    }
  }
  for (const int fd : {timer_fd_, watch_ ? watch_->fd() : -1}) {
    if (auto added = fd < 0 ? Result<void>{} : add_to_epoll(fd); !added) {
      return added;
    }
  }
  return arm_timer();
}

Result<void> ObdPoller::add_to_epoll(int fd) {
  // read_batch() reads every source each time; the event only has to wake the reactor.
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeTag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "OBD poller on {}: epoll_ctl: {}", options_.interface,
                errno_text(error));
  }
  return {};
}

void ObdPoller::watch_responders() {
  for (int reads = 0; watch_ && reads < 64; ++reads) {
    const Result<size_t> n = watch_->read_batch(watched_);
    if (!n) {
      note_error(n.error());
      return;
    }
    for (size_t i = 0; i < *n; ++i) {
      const CanFrame& frame = watched_[i];
      if ((frame.flags & CanFrame::kErr) != 0 || !frame.extended() ||
          (frame.raw_id() & ~0xFFu) != kToTester29) {
        continue;
      }
      const auto address = static_cast<uint8_t>(frame.raw_id() & 0xFFu);
      const ObdAddressBook::Lookup found = book_.lookup(address);
      if (found.found == ObdAddressBook::Found::kFree) {
        listen(found.slot, address);
      } else if (found.found == ObdAddressBook::Found::kNoRoom && found.first_time) {
        counters_.unknown_responders = book_.unknown_addresses();
        last_error_ = fmt::format(
            "OBD poller on {}: an ECU answers from {:08X}, but all {} ECU slots have heard their "
            "ECU; its answers are lost",
            options_.interface, frame.raw_id(), ObdAddressBook::kSlots);
      }
    }
    if (*n < watched_.size()) {
      return;
    }
  }
}

void ObdPoller::listen(int ecu, uint8_t address) {
  IsoTpOptions iso = slot_options(ecu);
  iso.tx_id = physical_id29(address);
  iso.rx_id = answer_id29(address);
  Result<IsoTpSocket> socket = IsoTpSocket::open(iso);
  if (!socket) {
    note_error(socket.error());  // the slot keeps its address; the next frame tries again
    return;
  }
  IsoTpSocket& slot = sockets_[static_cast<size_t>(ecu) + 1];
  // Closing the old socket takes it out of the epoll set.
  slot = std::move(*socket);
  if (auto added = add_to_epoll(slot.fd()); !added) {
    note_error(added.error());
  }
  book_.assign(ecu, address);
  counters_.learned_addresses = book_.learned();
  scheduler_.on_new_ecu();
}

void ObdPoller::set_policy(const ObdPollingRule& rule) {
  scheduler_.set_policy(rule);
  if (auto armed = arm_timer(); !armed) {
    note_error(armed.error());
  }
}

Result<size_t> ObdPoller::read_batch(std::span<CanFrame> out) {
  uint64_t expirations = 0;
  if (::read(timer_fd_, &expirations, sizeof expirations) < 0 && errno != EAGAIN) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "OBD poller on {}: timerfd: {}", options_.interface,
                errno_text(error));
  }
  const int64_t now_ms = monotonic_ms();
  watch_responders();
  size_t count = 0;
  for (int ecu = -1; ecu < ObdScheduler::kMaxEcus; ++ecu) {
    count = drain(ecu, out, count, now_ms);
  }
  send_due(now_ms);
  if (auto armed = arm_timer(); !armed) {
    return tl::unexpected(armed.error());
  }
  return count;
}

size_t ObdPoller::drain(int ecu, std::span<CanFrame> out, size_t count, int64_t now_ms) {
  IsoTpSocket& socket = sockets_[static_cast<size_t>(ecu) + 1];
  // Each error report is consumed by the read that returns it; the bound only guards the loop.
  for (int reads = 0; count < out.size() && reads < 256; ++reads) {
    const Result<size_t> got = socket.receive(buffer_);
    if (!got) {
      ++counters_.isotp_errors;
      note_error(got.error());
      continue;  // the kernel reported one dropped message; more may be waiting
    }
    if (*got == 0 || ecu < 0) {
      break;
    }
    const std::span<const uint8_t> message(buffer_.data(), *got);
    ++counters_.answers;
    const Result<ObdResponse> response = parse_obd_response(message);
    if (!response) {
      ++counters_.malformed;
      note_error(response.error().with_context(socket.name()));
      continue;
    }
    if (response->negative) {
      ++counters_.negative;
    }
    scheduler_.on_response(ecu, *response, now_ms);
    if (message.size() > CanFrame::kMaxFdLen) {
      ++counters_.oversize;
      continue;
    }
    CanFrame& frame = out[count++];
    frame = CanFrame{};
    frame.id = response_id(ecu);
    frame.len = static_cast<uint8_t>(message.size());
    frame.flags = message.size() > CanFrame::kMaxClassicLen ? CanFrame::kFd : uint8_t{0};
    frame.bus = options_.bus;
    frame.t_ns = realtime_ns();
    std::copy(message.begin(), message.end(), frame.data);
  }
  return count;
}

void ObdPoller::send_due(int64_t now_ms) {
  const std::optional<ObdPlannedRequest> request = scheduler_.next_request(now_ms);
  if (!request) {
    return;
  }
  std::array<uint8_t, kMaxObdRequestSize> payload{};
  const Result<size_t> size = encode_obd_request(request->service, request->pid_span(), payload);
  if (!size) {
    ++counters_.send_errors;
    note_error(size.error());
    return;
  }
  IsoTpSocket& socket = sockets_[static_cast<size_t>(request->ecu) + 1];
  if (auto sent = socket.send(std::span<const uint8_t>(payload.data(), *size)); !sent) {
    ++counters_.send_errors;
    note_error(sent.error());
    return;
  }
  ++counters_.sent;
}

Result<void> ObdPoller::arm_timer() {
  itimerspec spec{};
  if (const std::optional<int64_t> deadline = scheduler_.next_deadline_ms()) {
    // Absolute on CLOCK_MONOTONIC; a deadline in the past fires at once (never 0: that disarms).
    const int64_t at = std::max<int64_t>(*deadline, 1);
    // Monotonic milliseconds fit time_t (32 bits on armhf) for 68 years of uptime.
    spec.it_value.tv_sec = static_cast<time_t>(at / 1000);
    spec.it_value.tv_nsec = static_cast<long>((at % 1000) * 1'000'000);
  }
  if (timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    const int error = errno;
    return fail(ErrorCode::kUnavailable, "OBD poller on {}: timerfd_settime: {}",
                options_.interface, errno_text(error));
  }
  return {};
}

void ObdPoller::note_error(const Error& error) { last_error_ = error.message(); }

}  // namespace autograph::can
