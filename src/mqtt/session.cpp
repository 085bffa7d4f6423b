#include "mqtt/session.hpp"

#include <poll.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "autograph/check.hpp"
#include "mqtt/topic.hpp"
#include "mqtt/try_macros.hpp"

namespace autograph::mqtt {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto existing = spdlog::get("mqtt");
    return existing ? existing : spdlog::stderr_color_mt("mqtt");
  }();
  return *instance;
}

}  // namespace

Session::Session(SessionOptions options, std::unique_ptr<tls::Transport> transport,
                 const Clock& clock, SessionCallbacks callbacks)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      clock_(clock),
      callbacks_(std::move(callbacks)),
      backoff_(options_.backoff, std::random_device{}()),
      window_(options_.max_in_flight),
      decoder_(options_.max_packet_bytes),
      keep_alive_(options_.keep_alive, options_.ping_timeout) {
  AG_CHECK(transport_ != nullptr, "Session needs a transport");
}

Session::~Session() { transport_->close(); }

void Session::set_state(SessionState state, std::string_view reason) {
  if (state == state_) {
    return;
  }
  logger().info("{} ({}): {} -> {}{}{}", transport_->peer(), options_.client_id, to_string(state_),
                to_string(state), reason.empty() ? "" : ": ", reason);
  state_ = state;
}

void Session::start() {
  AG_CHECK(state_ == SessionState::kIdle, "start() called twice");
  begin_connect();
}

void Session::begin_connect() {
  decoder_.reset();
  out_.clear();
  out_sent_ = 0;
  deadline_ = clock_.now() + options_.connect_timeout;
  set_state(SessionState::kConnecting, "");
  if (auto opened = transport_->open(); !opened) {
    lose_connection(opened.error());
  }
}

void Session::lose_connection(const Error& error) {
  transport_->close();
  last_error_ = error;
  if (state_ == SessionState::kDisconnecting || state_ == SessionState::kStopped) {
    set_state(SessionState::kStopped, fmt::format("{}", error));
    return;
  }
  const milliseconds delay = backoff_.next();
  deadline_ = clock_.now() + delay;
  set_state(SessionState::kWaitingToRetry,
            fmt::format("{}; next attempt in {} ms", error, delay.count()));
}

void Session::run_once(milliseconds max_wait) {
  run_timers(clock_.now());
  wait_for_io(max_wait);
  run_io();
  run_timers(clock_.now());
}

void Session::run_timers(TimePoint now) {
  switch (state_) {
    case SessionState::kWaitingToRetry:
      if (now >= deadline_) {
        begin_connect();
      }
      return;
    case SessionState::kConnecting:
    case SessionState::kAwaitingConnack:
      if (now >= deadline_) {
        lose_connection(Error(ErrorCode::kUnavailable,
                              fmt::format("{}: no connection within {} ms ({})", transport_->peer(),
                                          options_.connect_timeout.count(), to_string(state_))));
      }
      return;
    case SessionState::kConnected:
      switch (keep_alive_.due(now)) {
        case KeepAlive::Due::kTimedOut:
          lose_connection(Error(ErrorCode::kUnavailable,
                                fmt::format("{}: keep-alive timeout: no PINGRESP within {} ms",
                                            transport_->peer(), options_.ping_timeout.count())));
          break;
        case KeepAlive::Due::kSendPing:
          encode_pingreq({}, out_);
          break;
        case KeepAlive::Due::kNothing:
          break;
      }
      return;
    case SessionState::kDisconnecting:
      if (now >= deadline_ || out_sent_ == out_.size()) {
        transport_->close();
        set_state(SessionState::kStopped, now >= deadline_ ? "DISCONNECT not flushed in time" : "");
      }
      return;
    case SessionState::kIdle:
    case SessionState::kStopped:
      return;
  }
}

std::optional<Session::TimePoint> Session::next_deadline() const {
  switch (state_) {
    case SessionState::kWaitingToRetry:
    case SessionState::kConnecting:
    case SessionState::kAwaitingConnack:
    case SessionState::kDisconnecting:
      return deadline_;
    case SessionState::kConnected:
      return keep_alive_.next_deadline();
    case SessionState::kIdle:
    case SessionState::kStopped:
      return std::nullopt;
  }
  return std::nullopt;
}

pollfd Session::poll_request() const noexcept {
  pollfd pfd{transport_->fd(), 0, 0};
  if (pfd.fd >= 0) {
    if (state_ == SessionState::kConnecting) {
      pfd.events = transport_->interest() == tls::Interest::kRead ? POLLIN : POLLOUT;
    } else {
      pfd.events = static_cast<short>(POLLIN | (out_sent_ < out_.size() ? POLLOUT : 0));
    }
  }
  return pfd;
}

void Session::wait_for_io(milliseconds max_wait) {
  milliseconds wait = max_wait;
  if (const auto deadline = next_deadline()) {
    const auto until = duration_cast<milliseconds>(*deadline - clock_.now()) + milliseconds(1);
    wait = std::clamp(until, milliseconds(0), max_wait);
  }
  pollfd pfd = poll_request();
  // poll() on a negative fd just sleeps, which is what waiting for a retry needs.
  (void)::poll(&pfd, 1, static_cast<int>(wait.count()));
}

void Session::run_io() {
  if (state_ == SessionState::kConnecting) {
    auto up = transport_->advance();
    if (!up) {
      lose_connection(up.error());
      return;
    }
    if (!*up) {
      return;
    }
    if (auto encoded = encode_connect(connect_packet_for(options_), out_); !encoded) {
      lose_connection(encoded.error());
      return;
    }
    keep_alive_.restart(clock_.now());
    set_state(SessionState::kAwaitingConnack, "TLS up, CONNECT sent");
  }
  if (state_ == SessionState::kAwaitingConnack || state_ == SessionState::kConnected ||
      state_ == SessionState::kDisconnecting) {
    write_queued();
    read_available();
    write_queued();
  }
}

void Session::read_available() {
  uint8_t buffer[16384];
  // Bounded so that a broker streaming without pause can't starve timers and writes.
  for (int round = 0; round < 64 && transport_->fd() >= 0; ++round) {
    auto received = transport_->read(buffer);
    if (!received) {
      lose_connection(received.error());
      return;
    }
    if (*received == 0) {
      return;
    }
    decoder_.feed(std::span(buffer, *received));
    while (true) {
      auto packet = decoder_.next();
      if (!packet) {
        lose_connection(packet.error().with_context(transport_->peer()));
        return;
      }
      if (!*packet) {
        break;
      }
      if (auto handled = handle(std::move(**packet)); !handled) {
        lose_connection(handled.error().with_context(transport_->peer()));
        return;
      }
    }
  }
}

void Session::write_queued() {
  while (out_sent_ < out_.size() && transport_->fd() >= 0) {
    auto written = transport_->write(std::span(out_).subspan(out_sent_));
    if (!written) {
      lose_connection(written.error());
      return;
    }
    if (*written == 0) {
      return;
    }
    out_sent_ += *written;
  }
  if (out_sent_ == out_.size()) {
    out_.clear();
    out_sent_ = 0;
  }
}

Result<void> Session::handle(Packet packet) {
  if (auto* connack = std::get_if<ConnackPacket>(&packet)) {
    return handle_connack(*connack);
  }
  if (state_ == SessionState::kAwaitingConnack) {
    return fail(ErrorCode::kMalformed, "broker sent {} before CONNACK", packet_name(packet));
  }
  if (auto* publish = std::get_if<PublishPacket>(&packet)) {
    return handle_publish(*publish);
  }
  if (auto* puback = std::get_if<PubackPacket>(&packet)) {
    if (window_.ack(puback->packet_id)) {
      if (callbacks_.on_puback) {
        callbacks_.on_puback(puback->packet_id);
      }
    } else {
      logger().debug("{}: PUBACK for packet {} not in flight (a duplicate)", transport_->peer(),
                     puback->packet_id);
    }
    return {};
  }
  if (auto* suback = std::get_if<SubackPacket>(&packet)) {
    window_.release(suback->packet_id);
    if (std::count(suback->return_codes.begin(), suback->return_codes.end(), kSubackFailure) > 0) {
      logger().error("{}: the broker refused a subscription (SUBACK {})", transport_->peer(),
                     suback->packet_id);
    }
    return {};
  }
  if (std::holds_alternative<PingrespPacket>(packet)) {
    keep_alive_.on_pingresp();
    return {};
  }
  if (auto* unsuback = std::get_if<UnsubackPacket>(&packet)) {
    window_.release(unsuback->packet_id);
    return {};
  }
  // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and DISCONNECT only ever go to a broker.
  return fail(ErrorCode::kMalformed, "broker sent {}, a packet only clients send",
              packet_name(packet));
}

Result<void> Session::handle_connack(const ConnackPacket& connack) {
  if (state_ != SessionState::kAwaitingConnack) {
    return fail(ErrorCode::kMalformed, "CONNACK outside connection set-up");
  }
  if (connack.return_code != 0) {
    return fail(ErrorCode::kFailedPrecondition, "broker refused the connection: {}",
                connack_reason(connack.return_code));
  }
  on_connack_accepted(connack.session_present);
  return {};
}

void Session::on_connack_accepted(bool session_present) {
  ++connections_;
  backoff_.reset();
  last_error_.reset();
  set_state(SessionState::kConnected, fmt::format("session present: {}, {} in flight to resend",
                                                  session_present, window_.size()));
  for (auto& entry : window_.entries()) {
    if (auto queued = queue_publish(entry); !queued) {
      lose_connection(queued.error());
      return;
    }
  }
  if (!subscriptions_.empty()) {
    if (auto sent = send_subscribe(subscriptions_); !sent) {
      lose_connection(sent.error());
      return;
    }
  }
  if (callbacks_.on_connected) {
    callbacks_.on_connected(session_present);
  }
}

Result<void> Session::handle_publish(const PublishPacket& publish) {
  if (publish.qos > 1) {
    return fail(ErrorCode::kMalformed, "PUBLISH with QoS {}, above the QoS 1 subscribed",
                publish.qos);
  }
  if (publish.qos == 1) {
    MQTT_TRY(encode_puback({publish.packet_id}, out_));
    keep_alive_.on_sent(clock_.now());
  }
  if (callbacks_.on_message) {
    callbacks_.on_message(publish);
  }
  return {};
}

Result<void> Session::queue_publish(InflightWindow::Entry& entry) {
  // A message that went out before may have reached the broker: mark the resend (section 4.4).
  entry.packet.dup = entry.sent;
  MQTT_TRY(encode_publish(entry.packet, out_));
  entry.sent = true;
  keep_alive_.on_sent(clock_.now());
  return {};
}

Result<void> Session::send_subscribe(const std::vector<Subscription>& subscriptions) {
  const uint16_t id = window_.reserve();
  if (auto encoded = encode_subscribe({id, subscriptions}, out_); !encoded) {
    window_.release(id);
    return encoded;
  }
  keep_alive_.on_sent(clock_.now());
  return {};
}

Result<uint16_t> Session::publish(std::string topic, std::vector<uint8_t> payload, uint8_t qos,
                                  bool retain) {
  if (state_ == SessionState::kDisconnecting || state_ == SessionState::kStopped) {
    return fail(ErrorCode::kFailedPrecondition, "publish to '{}' after disconnect()", topic);
  }
  if (qos > 1) {
    return fail(ErrorCode::kMalformed, "publish to '{}': QoS {} is not 0 or 1", topic, qos);
  }
  if (std::string problem = topic_name_problem(topic); !problem.empty()) {
    return fail(ErrorCode::kMalformed, "publish: topic '{}': {}", topic, problem);
  }
  PublishPacket packet{std::move(topic), std::move(payload), qos, retain, false, 0};
  if (qos == 0) {
    if (state_ != SessionState::kConnected || out_.size() > options_.max_queued_bytes) {
      return fail(ErrorCode::kUnavailable, "QoS 0 publish to '{}': not connected or backlogged",
                  packet.topic);
    }
    MQTT_TRY(encode_publish(packet, out_));
    keep_alive_.on_sent(clock_.now());
    return uint16_t{0};
  }
  if (window_.full()) {
    return fail(ErrorCode::kUnavailable, "publish to '{}': {} messages already in flight",
                packet.topic, window_.size());
  }
  const uint16_t id = window_.add(std::move(packet));
  if (state_ == SessionState::kConnected) {
    if (auto queued = queue_publish(window_.entries().back()); !queued) {
      window_.ack(id);
      return tl::unexpected(queued.error());
    }
  }
  return id;
}

Result<void> Session::subscribe(std::string filter, uint8_t qos) {
  if (state_ == SessionState::kDisconnecting || state_ == SessionState::kStopped) {
    return fail(ErrorCode::kFailedPrecondition, "subscribe to '{}' after disconnect()", filter);
  }
  if (std::string problem = topic_filter_problem(filter); !problem.empty() || qos > 1) {
    return fail(ErrorCode::kMalformed, "subscribe: filter '{}' QoS {}: {}", filter, qos,
                problem.empty() ? "QoS must be 0 or 1" : problem);
  }
  subscriptions_.push_back({std::move(filter), qos});
  if (state_ == SessionState::kConnected) {
    return send_subscribe({subscriptions_.back()});
  }
  return {};
}

void Session::disconnect() {
  if (state_ == SessionState::kConnected) {
    encode_disconnect({}, out_);
    deadline_ = clock_.now() + std::chrono::seconds(2);
    set_state(SessionState::kDisconnecting, "");
    write_queued();
    return;
  }
  transport_->close();
  set_state(SessionState::kStopped, "");
}

}  // namespace autograph::mqtt
