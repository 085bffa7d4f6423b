#include "pipeline/publisher_set.hpp"

#include <algorithm>
#include <utility>

#include "autograph/signing/hex.hpp"
#include "autograph/signing/keccak256.hpp"
#include "pipeline/pipeline_logger.hpp"
#include "tls/tls_transport.hpp"

namespace autograph::pipeline {
namespace {

bool is_inline_pem(const std::string& text) { return text.starts_with("-----BEGIN"); }

tls::TlsOptions tls_options(const policy::Endpoint& endpoint) {
  tls::TlsOptions options;
  options.host = endpoint.host;
  options.port = endpoint.port;
  if (is_inline_pem(endpoint.ca)) {
    options.ca_pem = endpoint.ca;
  } else {
    options.ca_file = endpoint.ca;
  }
  if (endpoint.client_cert && is_inline_pem(*endpoint.client_cert)) {
    options.cert_pem = *endpoint.client_cert;
  } else if (endpoint.client_cert) {
    options.cert_file = *endpoint.client_cert;
  }
  if (endpoint.client_key) {
    options.key_file = *endpoint.client_key;
  }
  return options;
}

// 8 hex digits that name the endpoint: the same for the same endpoint on every start.
std::string endpoint_tag(const std::string& key) {
  const signing::Hash256 hash = signing::keccak256(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
  return signing::to_hex(std::span<const uint8_t>(hash.data(), 4));
}

}  // namespace

PublisherSet::PublisherSet(mqtt::SessionOptions base, const mqtt::Clock& clock, SpoolLookup spools)
    : base_(std::move(base)), clock_(clock), spools_(std::move(spools)) {}

PublisherSet::~PublisherSet() {
  outlets_.clear();  // publishers point at sessions: they go first
  links_.clear();
}

PublisherSet::Link& PublisherSet::link_for(const policy::Endpoint& endpoint,
                                           const std::string& key) {
  auto found = links_.find(key);
  if (found != links_.end() && !found->second->leaving) {
    return *found->second;
  }
  auto link = std::make_unique<Link>();
  link->peer = fmt::format("{}:{}", endpoint.host, endpoint.port);
  Result<std::unique_ptr<tls::TlsTransport>> transport =
      tls::TlsTransport::create(tls_options(endpoint));
  if (!transport) {
    link->error = transport.error().message();
    pipeline_logger()->error("endpoint {} unusable, its streams stay in the spool: {}", link->peer,
                             link->error);
  } else {
    mqtt::SessionOptions options = base_;
    options.client_id = fmt::format("{}-{}", base_.client_id, endpoint_tag(key));
    mqtt::SessionCallbacks callbacks;
    callbacks.on_puback = [this, key](uint16_t packet_id) { on_puback(key, packet_id); };
    callbacks.on_message = [this](const mqtt::PublishPacket& message) {
      if (control_ && message.topic == control_->policy_topic && control_->on_message) {
        control_->on_message(message);
      }
    };
    link->session = std::make_unique<mqtt::Session>(std::move(options), std::move(*transport),
                                                    clock_, std::move(callbacks));
    link->session->start();
  }
  // A leaving link under the same key is finished by retire() once nothing uses it; it is
  // replaced here since the new one takes its key.
  if (found != links_.end()) {
    found->second->session.reset();
    links_.erase(found);
  }
  return *links_.emplace(key, std::move(link)).first->second;
}

void PublisherSet::add_outlet(const PublishTarget& target) {
  Result<spool::Spool*> spool = spools_(target.stream);
  if (!spool) {
    pipeline_logger()->error("stream {}: spool unusable, not published: {}", target.stream,
                             spool.error().message());
    return;
  }
  const std::string key = connection_key(target.endpoint);
  Link& link = link_for(target.endpoint, key);
  Outlet outlet{key, target.topic, *spool, nullptr, false};
  if (link.session) {
    outlet.publisher = std::make_unique<mqtt::Publisher>(**spool, *link.session, target.topic);
  }
  outlets_[target.stream] = std::move(outlet);
}

void PublisherSet::set_targets(const std::vector<PublishTarget>& targets) {
  for (auto it = outlets_.begin(); it != outlets_.end();) {
    const auto target = std::find_if(targets.begin(), targets.end(),
                                     [&](const PublishTarget& t) { return t.stream == it->first; });
    if (target == targets.end()) {
      it->second.retiring = true;
      ++it;
    } else if (connection_key(target->endpoint) != it->second.key ||
               target->topic != it->second.topic) {
      it = outlets_.erase(it);
    } else {
      it->second.retiring = false;
      ++it;
    }
  }
  for (const PublishTarget& target : targets) {
    if (outlets_.count(target.stream) == 0) {
      add_outlet(target);
    }
  }
  retire();
}

void PublisherSet::set_control(ControlTarget control) {
  control_ = std::move(control);
  const std::string key = connection_key(control_->endpoint);
  Link& link = link_for(control_->endpoint, key);
  link.control = true;
  if (link.session) {
    if (Result<void> subscribed = link.session->subscribe(control_->policy_topic, 1); !subscribed) {
      pipeline_logger()->error("policy topic {}: not subscribed: {}", control_->policy_topic,
                               subscribed.error().message());
    }
  }
}

void PublisherSet::on_puback(const std::string& key, uint16_t packet_id) {
  // Packet ids are unique within a session, and a publisher ignores ids it didn't hand out.
  for (auto& [stream, outlet] : outlets_) {
    if (outlet.key == key && outlet.publisher) {
      outlet.publisher->on_puback(packet_id);
    }
  }
}

void PublisherSet::add_poll_fds(std::vector<pollfd>& fds, TimePoint& wake) const {
  for (const auto& [key, link] : links_) {
    if (!link->session) {
      continue;
    }
    const pollfd request = link->session->poll_request();
    if (request.fd >= 0) {
      fds.push_back(request);
    }
    if (const auto deadline = link->session->next_deadline()) {
      wake = std::min(wake, *deadline);
    }
  }
}

void PublisherSet::pump() {
  if (stopping_) {
    return;
  }
  for (auto& [stream, outlet] : outlets_) {
    if (!outlet.publisher) {
      continue;
    }
    if (Result<void> pumped = outlet.publisher->pump(); !pumped) {
      pipeline_logger()->error("stream {}: publishing stopped, the spool can't be read: {}", stream,
                               pumped.error().message());
      outlet.publisher.reset();
    }
  }
}

void PublisherSet::run() {
  for (auto& [key, link] : links_) {
    if (link->session) {
      link->session->run_once(std::chrono::milliseconds(0));
    }
  }
  pump();
  retire();
}

void PublisherSet::retire() {
  for (auto it = outlets_.begin(); it != outlets_.end();) {
    const Outlet& outlet = it->second;
    const bool done = outlet.publisher == nullptr || (outlet.spool->stats().pending_records == 0 &&
                                                      outlet.publisher->in_flight() == 0);
    if (outlet.retiring && done) {
      pipeline_logger()->info("stream {} left the policy and its spool is delivered", it->first);
      it = outlets_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = links_.begin(); it != links_.end();) {
    Link& link = *it->second;
    const bool used = link.control ||
                      std::any_of(outlets_.begin(), outlets_.end(),
                                  [&](const auto& entry) { return entry.second.key == it->first; });
    if (!used && !link.leaving && link.session) {
      link.session->disconnect();
      link.leaving = true;
    }
    const bool gone =
        link.session == nullptr || link.session->state() == mqtt::SessionState::kStopped;
    if (!used && gone) {
      it = links_.erase(it);
    } else {
      ++it;
    }
  }
}

bool PublisherSet::drained() const {
  return std::all_of(outlets_.begin(), outlets_.end(), [](const auto& entry) {
    const Outlet& outlet = entry.second;
    return outlet.publisher == nullptr || outlet.spool->stats().pending_records == 0;
  });
}

void PublisherSet::disconnect_all() {
  stopping_ = true;
  for (auto& [key, link] : links_) {
    if (link->session && !link->leaving) {
      link->session->disconnect();
      link->leaving = true;
    }
  }
}

bool PublisherSet::stopped() const {
  return std::all_of(links_.begin(), links_.end(), [](const auto& entry) {
    const Link& link = *entry.second;
    return link.session == nullptr || link.session->state() == mqtt::SessionState::kStopped;
  });
}

std::vector<EndpointStatus> PublisherSet::status() const {
  std::vector<EndpointStatus> out;
  for (const auto& [key, link] : links_) {
    EndpointStatus status;
    status.peer = link->peer;
    for (const auto& [stream, outlet] : outlets_) {
      if (outlet.key == key) {
        status.streams.push_back(stream);
      }
    }
    if (link->session) {
      status.state = std::string(mqtt::to_string(link->session->state()));
      status.connections = link->session->connections();
      if (link->session->last_error()) {
        status.last_error = link->session->last_error()->message();
      }
    } else {
      status.state = "unusable";
      status.last_error = link->error;
    }
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace autograph::pipeline
