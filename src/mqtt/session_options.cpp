#include "mqtt/session_options.hpp"

#include <algorithm>

namespace autograph::mqtt {

ConnectPacket connect_packet_for(const SessionOptions& options) {
  ConnectPacket connect;
  connect.client_id = options.client_id;
  connect.clean_session = options.clean_session;
  connect.keep_alive_s =
      static_cast<uint16_t>(std::clamp<int64_t>(options.keep_alive.count(), 0, 65535));
  connect.will = options.will;
  connect.username = options.username;
  if (options.password) {
    connect.password = std::vector<uint8_t>(options.password->begin(), options.password->end());
  }
  return connect;
}

}  // namespace autograph::mqtt
