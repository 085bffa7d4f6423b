// Session: one MQTT 3.1.1 client connection kept alive over a Transport.
//
// It connects (CONNECT with client id, optional username/password and a last will), keeps the
// connection alive (PINGREQ after `keep_alive` without sending; the connection counts as lost
// when no PINGRESP arrives within `ping_timeout`), publishes at QoS 0 and 1 with a bounded
// in-flight window, resends unacknowledged QoS 1 messages with DUP after a reconnect, keeps its
// subscriptions across reconnects and delivers incoming messages (acknowledging QoS 1 ones),
// reconnects by itself with capped exponential back-off and jitter, and ends with DISCONNECT.
// Every state change is logged once at info on the spdlog logger "mqtt".
//
// Single-threaded and event-driven: the owner calls run_once() in its loop; it polls the
// transport's socket for at most the time given (less when a timer is due). Callbacks run inside
// run_once() on the same thread and may call publish() and subscribe().
//
// Thread: a Session and its callbacks belong to one thread (the publisher thread).
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autograph/result.hpp"
#include "mqtt/clock.hpp"
#include "mqtt/connect_packet.hpp"
#include "mqtt/inflight_window.hpp"
#include "mqtt/keep_alive.hpp"
#include "mqtt/packet.hpp"
#include "mqtt/packet_decoder.hpp"
#include "mqtt/reconnect_backoff.hpp"
#include "mqtt/session_options.hpp"
#include "mqtt/session_state.hpp"
#include "tls/transport.hpp"

namespace autograph::mqtt {

struct SessionCallbacks {
  std::function<void(const PublishPacket&)> on_message;  // an incoming PUBLISH
  std::function<void(uint16_t packet_id)> on_puback;     // a QoS 1 publish was acknowledged
  std::function<void(bool session_present)> on_connected;
};

class Session {
 public:
  // `transport` is owned; `clock` must outlive the session.
  Session(SessionOptions options, std::unique_ptr<tls::Transport> transport, const Clock& clock,
          SessionCallbacks callbacks);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // Starts the first connection attempt. AG_CHECKs that the state is kIdle.
  void start();

  // Does whatever is due: timers, connection set-up, reading and dispatching packets, writing.
  // Waits in poll() for at most `max_wait` (0: doesn't wait). Connection failures are handled
  // here (logged, retried); last_error() tells the most recent one.
  void run_once(std::chrono::milliseconds max_wait);

  // Queues a message. QoS 1: stored in the in-flight window (sent now when connected, else on
  // connect) and returns its packet id; on_puback reports its acknowledgement. QoS 0: sent only
  // when connected, returns 0. kUnavailable when the window is full (QoS 1) or the session is
  // not connected or too much is queued (QoS 0) — try again after run_once(); kMalformed for an
  // invalid topic or a QoS other than 0 or 1; kFailedPrecondition after disconnect().
  [[nodiscard]] Result<uint16_t> publish(std::string topic, std::vector<uint8_t> payload,
                                         uint8_t qos, bool retain = false);

  // Subscribes to `filter` now (when connected) and on every reconnect. kMalformed for an
  // invalid filter or QoS above 1; kFailedPrecondition after disconnect().
  [[nodiscard]] Result<void> subscribe(std::string filter, uint8_t qos);

  // Sends DISCONNECT when connected and closes; run_once() finishes it (state kStopped).
  void disconnect();

  // For an owner that polls several sessions (and other fds) in one poll(): the socket and the
  // events run_once() would wait for (fd -1 while there is no connection), and the time by which
  // run_once() must be called again for a timer (nullopt: none). After the owner's poll(), call
  // run_once(0ms).
  pollfd poll_request() const noexcept;
  std::optional<std::chrono::steady_clock::time_point> next_deadline() const;

  bool can_publish_qos1() const noexcept { return !window_.full(); }
  size_t in_flight() const noexcept { return window_.size(); }
  SessionState state() const noexcept { return state_; }
  // The most recent connection failure, if any.
  const std::optional<Error>& last_error() const noexcept { return last_error_; }
  // Connections that reached CONNACK accepted, since construction.
  uint64_t connections() const noexcept { return connections_; }

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  void set_state(SessionState state, std::string_view reason);
  void begin_connect();
  void lose_connection(const Error& error);
  void run_timers(TimePoint now);
  void wait_for_io(std::chrono::milliseconds max_wait);
  void run_io();
  void read_available();
  void write_queued();
  [[nodiscard]] Result<void> handle(Packet packet);
  [[nodiscard]] Result<void> handle_connack(const ConnackPacket& connack);
  [[nodiscard]] Result<void> handle_publish(const PublishPacket& publish);
  void on_connack_accepted(bool session_present);
  [[nodiscard]] Result<void> queue_publish(InflightWindow::Entry& entry);
  [[nodiscard]] Result<void> send_subscribe(const std::vector<Subscription>& subscriptions);

  SessionOptions options_;
  std::unique_ptr<tls::Transport> transport_;
  const Clock& clock_;
  SessionCallbacks callbacks_;
  SessionState state_ = SessionState::kIdle;
  ReconnectBackoff backoff_;
  InflightWindow window_;
  PacketDecoder decoder_;
  std::vector<Subscription> subscriptions_;
  std::vector<uint8_t> out_;  // encoded packets not yet accepted by the transport
  size_t out_sent_ = 0;       // bytes of out_ already written
  TimePoint deadline_{};      // retry, connect or disconnect deadline, by state
  KeepAlive keep_alive_;
  std::optional<Error> last_error_;
  uint64_t connections_ = 0;
};

}  // namespace autograph::mqtt
