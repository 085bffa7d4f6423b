#include "pipeline/policy_inbox.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pipeline/pipeline_logger.hpp"
#include "policy/policy_envelope.hpp"

namespace autograph::pipeline {

Result<std::unique_ptr<PolicyInbox>> PolicyInbox::create(const std::filesystem::path& state_dir,
                                                         const signing::Address& device,
                                                         const policy::Clock& clock) {
  Result<policy::StateDirectory> state = policy::StateDirectory::open(state_dir);
  if (!state) {
    return tl::unexpected(state.error());
  }
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::kUnavailable, "eventfd: {}", std::strerror(errno));
  }
  return std::unique_ptr<PolicyInbox>(new PolicyInbox(std::move(*state), device, clock, fd));
}

PolicyInbox::PolicyInbox(policy::StateDirectory state, const signing::Address& device,
                         const policy::Clock& clock, int reload_fd)
    : state_(std::move(state)), device_(device), clock_(clock), reload_fd_(reload_fd) {}

PolicyInbox::~PolicyInbox() { ::close(reload_fd_); }

bool PolicyInbox::receive(std::string_view topic, std::string_view payload) {
  Result<policy::PolicyVerifier> verifier = policy::PolicyVerifier::open(state_, device_, clock_);
  if (!verifier) {
    record({policy::RefusalReason::kStateUnavailable, verifier.error().message()});
    return false;
  }
  const policy::VerifiedPolicy* in_force = verifier->in_force();
  Result<policy::PolicyEnvelope> envelope = policy::parse_policy_envelope(payload, topic);
  if (envelope && in_force != nullptr && envelope->policy == in_force->text) {
    // A retained message, delivered again on every connect: nothing new, nothing to report.
    pipeline_logger()->debug("{}: the policy in force again (version {}), ignored", topic,
                             in_force->policy.version);
    return false;
  }
  policy::Verdict<const policy::VerifiedPolicy*> applied = verifier->apply_envelope(payload, topic);
  if (!applied) {
    const signing::Hash256 hash = signing::keccak256(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
    if (hash != last_logged_) {
      last_logged_ = hash;
      pipeline_logger()->warn("{}: policy refused ({}), the one in force stays: {}", topic,
                              policy::to_string(applied.error().reason), applied.error().message);
    }
    record(applied.error());
    return false;
  }
  ++installed_;
  pipeline_logger()->info("{}: policy version {} verified and installed; applying it", topic,
                          (*applied)->policy.version);
  const uint64_t one = 1;
  (void)!::write(reload_fd_, &one, sizeof one);
  return true;
}

void PolicyInbox::record(const policy::Refusal& refusal) {
  PolicyRefusalRecord entry{std::string(policy::to_string(refusal.reason)), refusal.message,
                            clock_.now_unix_ms()};
  const std::lock_guard lock(mutex_);
  last_refusal_ = std::move(entry);
}

std::optional<PolicyRefusalRecord> PolicyInbox::last_refusal() const {
  const std::lock_guard lock(mutex_);
  return last_refusal_;
}

}  // namespace autograph::pipeline
