// Publisher: drains a stream's Spool into a Session, QoS 1, and trims the spool on PUBACK.
//
// It walks the spool from the oldest record not yet acknowledged (so a restarted process resends
// everything unacknowledged: at least once), hands records to the session while its in-flight
// window has room, and on each PUBACK acknowledges the record in the spool. After a reconnect the
// session itself resends the records still in flight, with DUP, before anything newer; the
// publisher's walk then continues where it was. Subscribers dedupe by the batch's `seq`.
//
// Thread: the Publisher, its Spool and its Session belong to one thread (the publisher thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "autograph/result.hpp"
#include "mqtt/session.hpp"
#include "spool/spool.hpp"

namespace autograph::mqtt {

class Publisher {
 public:
  // Both must outlive the publisher. `topic` is the stream's topic (a valid topic name).
  Publisher(spool::Spool& spool, Session& session, std::string topic);

  // Hands pending records to the session while its window has room; call after each
  // Session::run_once(). Returns the first spool error met here or in on_puback() (the spool
  // can't be trusted then: stop and report), else ok.
  [[nodiscard]] Result<void> pump();

  // Call from SessionCallbacks::on_puback: acknowledges the record published under
  // `packet_id`. Errors are kept for pump() to return (the session can't take them).
  void on_puback(uint16_t packet_id);

  // Records handed to the session and not yet acknowledged.
  size_t in_flight() const noexcept { return in_flight_.size(); }
  // Records acknowledged since construction.
  uint64_t acknowledged() const noexcept { return acknowledged_; }

 private:
  spool::Spool& spool_;
  Session& session_;
  std::string topic_;
  uint64_t last_handed_ = 0;                          // highest spool id given to the session
  std::unordered_map<uint16_t, uint64_t> in_flight_;  // packet id -> spool record id
  uint64_t acknowledged_ = 0;
  std::optional<Error> error_;
};

}  // namespace autograph::mqtt
