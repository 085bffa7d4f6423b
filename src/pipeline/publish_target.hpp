// PublishTarget: where one stream's batches go: a grantee of the policy in force (or the status
// stream's control endpoint), as the storage/publisher thread needs it.
#pragma once

#include <string>
#include <vector>

#include "policy/policy.hpp"

namespace autograph::pipeline {

struct PublishTarget {
  std::string stream;         // the grantee's name: which spool
  std::string topic;          // the topic, templates expanded
  policy::Endpoint endpoint;  // host, port, CA, client certificate; its `topic` is not used
};

// The key that says two targets share one connection: host, port, CA and client credentials.
std::string connection_key(const policy::Endpoint& endpoint);

// One target per grantee of `policy`, topics expanded for `device` (EIP-55 checksum form).
std::vector<PublishTarget> publish_targets(const policy::Policy& policy, const std::string& device);

}  // namespace autograph::pipeline
