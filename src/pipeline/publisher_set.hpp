// PublisherSet: the publishing half of the "ag-publisher" thread: one MQTT session over TLS per
// endpoint (streams whose endpoints have the same host, port, CA and client credentials share
// it) and one mqtt::Publisher per stream, walking that stream's spool at QoS 1 and trimming it
// on PUBACK.
//
// set_targets() replaces the set of streams and endpoints (a new policy): a stream that stays
// keeps its publisher; a stream whose endpoint or topic changed starts over on the new one (what
// was in flight is sent again from the spool: at least once, subscribers dedupe by seq); a
// stream that left keeps delivering what its spool still holds to its last endpoint, and then
// goes; a session no stream (and no subscription) uses any more sends DISCONNECT and closes.
//
// The owner polls: add_poll_fds() gives the sockets and the time to wake up by, run() does what
// is due afterwards. Nothing here sleeps or spins.
//
// Thread: everything, including the callbacks, on one thread (the publisher thread).
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autograph/result.hpp"
#include "mqtt/clock.hpp"
#include "mqtt/publisher.hpp"
#include "mqtt/session.hpp"
#include "mqtt/session_options.hpp"
#include "pipeline/publish_target.hpp"
#include "spool/spool.hpp"

namespace autograph::pipeline {

// One endpoint's connection, for the status event.
struct EndpointStatus {
  std::string peer;                  // "host:port"
  std::vector<std::string> streams;  // streams published through it
  std::string state;                 // "connected", "waiting to retry", ... or "unusable"
  uint64_t connections = 0;          // connections accepted by the broker since start
  std::string last_error;            // why the last attempt failed; empty when none did
};

// The control endpoint's subscription: messages on `policy_topic` go to `on_message`.
struct ControlTarget {
  policy::Endpoint endpoint;
  std::string policy_topic;  // expanded
  std::function<void(const mqtt::PublishPacket&)> on_message;
};

class PublisherSet {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Returns the spool of `stream` (opened on first use); the spool outlives the set.
  using SpoolLookup = std::function<Result<spool::Spool*>(const std::string& stream)>;

  // `base` is the session template: client_id is the device address, to which each session
  // appends "-" and 8 hex digits naming its endpoint (stable across restarts, so the broker
  // keeps a persistent session per endpoint). `clock` must outlive the set.
  PublisherSet(mqtt::SessionOptions base, const mqtt::Clock& clock, SpoolLookup spools);
  PublisherSet(const PublisherSet&) = delete;
  PublisherSet& operator=(const PublisherSet&) = delete;
  ~PublisherSet();

  // Replaces the streams and endpoints (see the header comment). An endpoint whose TLS set-up
  // fails (a missing CA file, say) is logged at error level and reported "unusable"; its
  // streams stay spooled.
  void set_targets(const std::vector<PublishTarget>& targets);

  // Subscribes (QoS 1) to control.policy_topic on the session of control.endpoint (shared with
  // the streams going there), which then stays for the life of the set. Call at most once.
  void set_control(ControlTarget control);

  // Appends the sockets to poll to `fds` and lowers `wake` to the earliest session timer.
  void add_poll_fds(std::vector<pollfd>& fds, TimePoint& wake) const;
  // After the owner's poll(): runs every session, hands spooled records to the sessions and
  // retires streams and sessions that are done.
  void run();

  // True when no stream that has a usable endpoint has records pending in its spool.
  bool drained() const;
  // DISCONNECTs every session; run() then finishes them and hands out nothing more.
  void disconnect_all();
  // True once every session has stopped (after disconnect_all()).
  bool stopped() const;

  std::vector<EndpointStatus> status() const;

 private:
  struct Link {
    std::string peer;
    std::unique_ptr<mqtt::Session> session;  // null when the endpoint is unusable
    std::string error;                       // why it is unusable
    bool leaving = false;                    // disconnect() called
    bool control = false;                    // carries the policy subscription: stays
  };
  struct Outlet {
    std::string key;    // the link's connection_key
    std::string topic;  // expanded
    spool::Spool* spool = nullptr;
    std::unique_ptr<mqtt::Publisher> publisher;  // null when the link is unusable or failed
    bool retiring = false;                       // left the policy: drains, then goes
  };

  Link& link_for(const policy::Endpoint& endpoint, const std::string& key);
  void add_outlet(const PublishTarget& target);
  void on_puback(const std::string& key, uint16_t packet_id);
  void pump();
  void retire();

  mqtt::SessionOptions base_;
  const mqtt::Clock& clock_;
  SpoolLookup spools_;
  std::map<std::string, std::unique_ptr<Link>> links_;  // by connection_key
  std::map<std::string, Outlet> outlets_;               // by stream
  std::optional<ControlTarget> control_;
  bool stopping_ = false;
};

}  // namespace autograph::pipeline
