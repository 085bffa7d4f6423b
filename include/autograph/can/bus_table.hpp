// BusTable: the names of the CAN interfaces a frame source has seen, and their bus indices.
//
// CanFrame::bus is an index into such a table. A source (a candump log reader, the SocketCAN
// bus set) adds interfaces in order of first appearance; a caller who needs stable indices
// across files presets the table, e.g. BusTable({"can0", "can1"}). Lookups do not allocate and
// are meant for the per-frame path: tables are tiny (a vehicle has one to four buses), so a
// linear scan over names packed into two 64-bit words each beats hashing.
//
// Not thread-safe: one thread owns a table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autograph::can {

class BusTable {
 public:
  // Linux interface names hold at most IFNAMSIZ - 1 = 15 bytes.
  static constexpr size_t kMaxNameLength = 15;
  // Enough for any vehicle; bounds the table when a hostile log invents a name per line.
  static constexpr size_t kMaxBuses = 256;

  BusTable() = default;
  // Presets the table: names[i] gets bus index i. Aborts (AG_CHECK) on a name that is not
  // valid_name(), on duplicates, or on more than kMaxBuses names: a preset is the caller's code.
  BusTable(std::initializer_list<std::string_view> names);
  explicit BusTable(const std::vector<std::string>& names);

  // True when `name` can be an interface name here: 1..kMaxNameLength bytes, none of them a
  // space, tab, control character, '#', '(' or ')' (which would make candump lines ambiguous).
  static bool valid_name(std::string_view name) noexcept;

  // The index of `name`, if present. Does not allocate.
  std::optional<uint16_t> find(std::string_view name) const noexcept;
  // The same for the per-frame path: the index of `name`, or -1 when absent. (GCC returns an
  // optional<uint16_t> through memory in a way that stalls store forwarding: ~10 ns a call.)
  int index_of(std::string_view name) const noexcept;

  // The index of `name`, adding it at the end when absent. Returns nullopt, leaving the table
  // unchanged, when the name is absent and the table already holds kMaxBuses names. The caller
  // has checked valid_name(); aborts otherwise. Allocates only when a name is added.
  std::optional<uint16_t> find_or_add(std::string_view name);

  // The name of bus `index`; aborts when index >= size().
  const std::string& name(uint16_t index) const;

  size_t size() const noexcept { return names_.size(); }
  // All names, in index order.
  const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  // A name packed for comparison: bytes 0..14 hold the name zero-padded, byte 15 its length.
  struct Key {
    uint64_t low = 0;
    uint64_t high = 0;
    bool operator==(const Key&) const = default;
  };
  static Key make_key(std::string_view name) noexcept;

  std::vector<std::string> names_;
  std::vector<Key> keys_;  // keys_[i] packs names_[i]
};

}  // namespace autograph::can
