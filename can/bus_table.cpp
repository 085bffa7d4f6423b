#include "autograph/can/bus_table.hpp"

#include "autograph/check.hpp"

namespace autograph::can {

BusTable::BusTable(std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    AG_CHECK(valid_name(name), "BusTable preset holds an invalid interface name");
    AG_CHECK(!find(name).has_value(), "BusTable preset names an interface twice");
    AG_CHECK(find_or_add(name).has_value(), "BusTable preset holds more than kMaxBuses names");
  }
}

BusTable::BusTable(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    AG_CHECK(valid_name(name), "BusTable preset holds an invalid interface name");
    AG_CHECK(!find(name).has_value(), "BusTable preset names an interface twice");
    AG_CHECK(find_or_add(name).has_value(), "BusTable preset holds more than kMaxBuses names");
  }
}

bool BusTable::valid_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxNameLength) {
    return false;
  }
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte == 0x7F || c == '#' || c == '(' || c == ')') {
      return false;
    }
  }
  return true;
}

BusTable::Key BusTable::make_key(std::string_view name) noexcept {
  // Built in registers: byte stores to memory read back as words would stall store forwarding.
  Key key;
  for (size_t i = 0; i < name.size(); ++i) {
    const uint64_t byte = static_cast<unsigned char>(name[i]);
    if (i < 8) {
      key.low |= byte << (8 * i);
    } else {
      key.high |= byte << (8 * (i - 8));
    }
  }
  key.high |= static_cast<uint64_t>(name.size()) << 56;
  return key;
}

int BusTable::index_of(std::string_view name) const noexcept {
  if (name.size() > kMaxNameLength) {
    return -1;
  }
  const Key key = make_key(name);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::optional<uint16_t> BusTable::find(std::string_view name) const noexcept {
  const int index = index_of(name);
  if (index < 0) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(index);
}

std::optional<uint16_t> BusTable::find_or_add(std::string_view name) {
  AG_CHECK(valid_name(name), "BusTable::find_or_add needs a valid interface name");
  if (std::optional<uint16_t> index = find(name)) {
    return index;
  }
  if (names_.size() >= kMaxBuses) {
    return std::nullopt;
  }
  names_.emplace_back(name);
  keys_.push_back(make_key(name));
  return static_cast<uint16_t>(names_.size() - 1);
}

const std::string& BusTable::name(uint16_t index) const {
  AG_CHECK(index < names_.size(), "BusTable::name index out of range");
  return names_[index];
}

}  // namespace autograph::can
