#include "autograph/can/dbc.hpp"

namespace autograph::can {

const Message* Database::find(uint32_t id) const noexcept {
  for (const Message& message : messages) {
    if (message.id == id) {
      return &message;
    }
  }
  return nullptr;
}

}  // namespace autograph::can
