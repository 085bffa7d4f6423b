#include "pipeline/publish_target.hpp"

#include <initializer_list>

namespace autograph::pipeline {

std::string connection_key(const policy::Endpoint& endpoint) {
  // NUL separates the fields: none of them can hold one.
  std::string key;
  for (const std::string& part :
       {endpoint.host, std::to_string(endpoint.port), endpoint.ca,
        endpoint.client_cert.value_or(""), endpoint.client_key.value_or("")}) {
    key += part;
    key.push_back('\0');
  }
  return key;
}

std::vector<PublishTarget> publish_targets(const policy::Policy& policy,
                                           const std::string& device) {
  std::vector<PublishTarget> targets;
  targets.reserve(policy.grantees.size());
  for (const policy::Grantee& grantee : policy.grantees) {
    targets.push_back({grantee.name,
                       policy::expand_topic(grantee.endpoint.topic, device, grantee.name),
                       grantee.endpoint});
  }
  return targets;
}

}  // namespace autograph::pipeline
