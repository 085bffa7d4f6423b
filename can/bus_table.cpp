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

std::optional<uint16_t> BusTable::find(std::string_view name) const noexcept {
  if (last_hit_ < names_.size() && names_[last_hit_] == name) {
    return last_hit_;
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) {
      last_hit_ = static_cast<uint16_t>(i);
      return last_hit_;
    }
  }
  return std::nullopt;
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
  last_hit_ = static_cast<uint16_t>(names_.size() - 1);
  return last_hit_;
}

const std::string& BusTable::name(uint16_t index) const {
  AG_CHECK(index < names_.size(), "BusTable::name index out of range");
  return names_[index];
}

}  // namespace autograph::can
