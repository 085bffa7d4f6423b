// PolicyInbox: where policies from the MQTT policy topic arrive, on the publisher thread.
//
// A message is a policy envelope ({"policy": "<text>", "signature": "0x..."}, see
// docs/policy.md). It is verified exactly as `autograph policy apply` verifies (owner signature
// against the paired owner, device, version rollback, validity) and, when good, installed in the
// state directory; then the inbox wakes the reactor through reload_fd() (an eventfd in the
// reactor's epoll set), which applies the policy in force at a batch boundary as on SIGHUP.
//
// A refusal is logged with its reason and kept as last_refusal() for the next status event; the
// policy in force keeps working. A retained message is delivered again on every connect: a
// policy that is already in force is refused as "version not newer" quietly (debug log, not a
// refusal to report), and any other refusal is logged once per distinct message, not once per
// delivery.
//
// Thread: receive() on the publisher thread; record() on the reactor thread; last_refusal() and
// reload_fd() from any thread (a mutex guards the refusal).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "autograph/result.hpp"
#include "autograph/signing/address.hpp"
#include "autograph/signing/keccak256.hpp"
#include "pipeline/status_event.hpp"
#include "policy/clock.hpp"
#include "policy/policy_verifier.hpp"
#include "policy/state_directory.hpp"

namespace autograph::pipeline {

class PolicyInbox {
 public:
  // Opens the state directory and makes the eventfd. `clock` must outlive the inbox. Errors:
  // those of StateDirectory::open; kUnavailable when eventfd() fails.
  [[nodiscard]] static Result<std::unique_ptr<PolicyInbox>> create(
      const std::filesystem::path& state_dir, const signing::Address& device,
      const policy::Clock& clock);
  PolicyInbox(const PolicyInbox&) = delete;
  PolicyInbox& operator=(const PolicyInbox&) = delete;
  ~PolicyInbox();

  // Verifies and installs the envelope `payload` received on `topic`. Returns true when it was
  // installed (and the reactor woken), false when refused.
  bool receive(std::string_view topic, std::string_view payload);

  // Records a refusal met elsewhere (the reactor's reload of the state directory).
  void record(const policy::Refusal& refusal);

  std::optional<PolicyRefusalRecord> last_refusal() const;
  // Installed policies so far.
  uint64_t installed() const noexcept { return installed_; }

  // Readable after an install; the reactor reads it (clearing it) and reloads.
  int reload_fd() const noexcept { return reload_fd_; }

 private:
  PolicyInbox(policy::StateDirectory state, const signing::Address& device,
              const policy::Clock& clock, int reload_fd);

  policy::StateDirectory state_;
  signing::Address device_;
  const policy::Clock& clock_;
  int reload_fd_ = -1;
  uint64_t installed_ = 0;          // publisher thread
  signing::Hash256 last_logged_{};  // publisher thread: the last refused payload logged
  mutable std::mutex mutex_;
  std::optional<PolicyRefusalRecord> last_refusal_;  // guarded by mutex_
};

}  // namespace autograph::pipeline
