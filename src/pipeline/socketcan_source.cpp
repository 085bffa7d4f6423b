#include "pipeline/socketcan_source.hpp"

#include <time.h>

#include <algorithm>
#include <utility>

#include "autograph/can/socketcan_control.hpp"
#include "pipeline/pipeline_logger.hpp"

namespace autograph::pipeline {
namespace {

constexpr uint64_t kNsPerMs = 1'000'000;

uint64_t realtime_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t ns_of(std::chrono::milliseconds ms) noexcept {
  return static_cast<uint64_t>(ms.count()) * kNsPerMs;
}

}  // namespace

Result<std::unique_ptr<SocketCanSource>> SocketCanSource::open(SocketCanSourceOptions options,
                                                               uint64_t now_ns) {
  if (options.interface.empty()) {
    return fail(ErrorCode::kFailedPrecondition, "SocketCAN source: empty interface name");
  }
  if (options.bus >= options.bus_names.size()) {
    return fail(ErrorCode::kFailedPrecondition, "{}: bus index {} beyond the {} interfaces",
                options.interface, options.bus, options.bus_names.size());
  }
  if (options.receive_buffer_bytes <= 0) {
    return fail(ErrorCode::kFailedPrecondition, "{}: receive buffer of {} bytes", options.interface,
                options.receive_buffer_bytes);
  }
  if (options.first_retry.count() <= 0 || options.max_retry < options.first_retry) {
    return fail(ErrorCode::kFailedPrecondition, "{}: retry back-off {} ms .. {} ms",
                options.interface, options.first_retry.count(), options.max_retry.count());
  }
  std::unique_ptr<SocketCanSource> source(new SocketCanSource(std::move(options), now_ns));
  return source;
}

SocketCanSource::SocketCanSource(SocketCanSourceOptions options, uint64_t now_ns)
    : options_(std::move(options)) {
  if (!try_open(now_ns) && options_.bitrate != 0) {
    configure_controller();
    if (try_open(now_ns)) {
      return;
    }
  }
}

int SocketCanSource::fd() const noexcept { return bus_ ? bus_->fd() : -1; }

can::SocketCanOptions SocketCanSource::bus_options() const {
  can::SocketCanOptions options;
  options.interface = options_.interface;
  options.bus = options_.bus;
  options.fd = true;
  options.receive_all = receive_all_;
  options.ids = filter_ids_;
  options.hardware_timestamps = options_.hardware_timestamps;
  options.receive_buffer_bytes = options_.receive_buffer_bytes;
  options.max_batch = 256;
  return options;
}

bool SocketCanSource::try_open(uint64_t now_ns) {
  Result<can::SocketCanBus> bus = can::SocketCanBus::open(bus_options());
  if (!bus) {
    mark_down(bus.error().message());
    schedule_retry(now_ns);
    return false;
  }
  bus_.emplace(std::move(*bus));
  const can::SocketCanOpenReport& report = bus_->report();
  if (report.receive_buffer_capped && !warned_capped_buffer_) {
    warned_capped_buffer_ = true;
    pipeline_logger()->warn(
        "{}: receive buffer capped at {} bytes (asked for {}): raise net.core.rmem_max or grant "
        "CAP_NET_ADMIN, else bursts overflow sooner (drops are counted)",
        options_.interface, report.receive_buffer, report.requested_receive_buffer);
  }
  pipeline_logger()->info("{}: open, receive buffer {} bytes, {} timestamps", options_.interface,
                          report.receive_buffer,
                          options_.hardware_timestamps ? "hardware" : "software");
  mark_up();
  return true;
}

void SocketCanSource::mark_down(const std::string& why) {
  if (counters_.down) {
    return;  // logged once per outage
  }
  counters_.down = true;
  ++counters_.outages;
  warned_control_ = false;
  pipeline_logger()->warn("{}: down ({}); retrying every {} .. {} ms", options_.interface, why,
                          options_.first_retry.count(), options_.max_retry.count());
}

void SocketCanSource::mark_up() {
  retry_at_ns_ = UINT64_MAX;
  backoff_ = std::chrono::milliseconds{0};
  if (counters_.down) {
    counters_.down = false;
    pipeline_logger()->info("{}: receiving again (outage {})", options_.interface,
                            counters_.outages);
  }
}

void SocketCanSource::schedule_retry(uint64_t now_ns) {
  backoff_ =
      backoff_.count() == 0 ? options_.first_retry : std::min(backoff_ * 2, options_.max_retry);
  retry_at_ns_ = now_ns + ns_of(backoff_);
}

void SocketCanSource::configure_controller() {
  Result<void> result = can::SocketCanControl::set_bitrate(options_.interface, options_.bitrate);
  if (result) {
    result = can::SocketCanControl::start(options_.interface);
  }
  if (!result && !warned_control_) {
    warned_control_ = true;
    pipeline_logger()->warn(
        "{}: not configured through libsocketcan ({}); waiting for the "
        "interface to be brought up",
        options_.interface, result.error().message());
  } else if (result) {
    pipeline_logger()->info("{}: bitrate {} bit/s set, interface started", options_.interface,
                            options_.bitrate);
  }
}

void SocketCanSource::retire_bus() {
  retired_kernel_drops_ += bus_->kernel_drops();
  retired_rejected_ += bus_->rejected_frames();
  retired_error_frames_ += bus_->error_frames();
  bus_.reset();
}

void SocketCanSource::go_down(const std::string& why, uint64_t now_ns) {
  retire_bus();
  bus_off_ = false;
  mark_down(why);
  schedule_retry(now_ns);
}

Result<size_t> SocketCanSource::read_batch(std::span<can::CanFrame> frames) {
  if (!bus_) {
    return size_t{0};
  }
  Result<size_t> count = bus_->read_batch(frames);
  if (!count) {
    // Down, removed, or a socket error: all are recovered the same way, by reopening.
    go_down(count.error().message(), realtime_ns());
    return size_t{0};
  }
  counters_.frames += *count;
  counters_.frames_per_bus[options_.bus] += *count;
  counters_.kernel_drops = retired_kernel_drops_ + bus_->kernel_drops();
  counters_.bad_input = retired_rejected_ + bus_->rejected_frames();
  if (bus_off_ != (bus_->state() == can::BusState::kBusOff)) {
    track_bus_off(realtime_ns());
  }
  return count;
}

void SocketCanSource::track_bus_off(uint64_t now_ns) {
  if (bus_->state() == can::BusState::kBusOff) {
    bus_off_ = true;
    mark_down("controller bus-off");
    if (options_.restart_ms) {
      backoff_ = std::chrono::milliseconds{0};
      retry_at_ns_ = now_ns + *options_.restart_ms * kNsPerMs;
    }
    // Without restart_ms the kernel's own restart-ms (ip link) or an operator restarts it; the
    // socket stays open and sees the restart.
    return;
  }
  bus_off_ = false;
  mark_up();
}

void SocketCanSource::recover(uint64_t now_ns) {
  if (!bus_) {
    if (!try_open(now_ns) && options_.bitrate != 0) {
      configure_controller();
      static_cast<void>(try_open(now_ns));
    }
    return;
  }
  if (bus_off_ && options_.restart_ms) {
    Result<void> restarted = can::SocketCanControl::restart(options_.interface);
    if (!restarted && !warned_control_) {
      warned_control_ = true;
      pipeline_logger()->warn("{}: {}", options_.interface, restarted.error().message());
    }
    // Restarted or not: check again later; the controller's restart frame marks the source up.
    schedule_retry(now_ns);
    return;
  }
  retry_at_ns_ = UINT64_MAX;
}

Result<void> SocketCanSource::set_filter(std::vector<uint32_t> ids, bool receive_all) {
  if (!receive_all && ids.size() > can::SocketCanBus::kMaxFilterIds) {
    return fail(ErrorCode::kFailedPrecondition, "{}: {} filter ids, at most {}", options_.interface,
                ids.size(), can::SocketCanBus::kMaxFilterIds);
  }
  if (bus_) {
    if (Result<void> set = bus_->set_filter(ids, receive_all); !set) {
      return set;
    }
  }
  filter_ids_ = std::move(ids);
  receive_all_ = receive_all;
  return {};
}

uint64_t SocketCanSource::rejected_frames() const noexcept {
  return retired_rejected_ + (bus_ ? bus_->rejected_frames() : 0);
}

uint64_t SocketCanSource::error_frames() const noexcept {
  return retired_error_frames_ + (bus_ ? bus_->error_frames() : 0);
}

}  // namespace autograph::pipeline
