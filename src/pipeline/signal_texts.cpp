// SignalTexts (see the header).
#include "pipeline/signal_texts.hpp"

#include <algorithm>

#include "autograph/check.hpp"
#include "autograph/vss_text_signals.hpp"

namespace autograph::pipeline {

SignalTexts::SignalTexts(const std::vector<std::string>& vss_paths) {
  for (size_t id = 0; id < vss_paths.size(); ++id) {
    if (is_vss_text_path(vss_paths[id])) {
      tables_.push_back({static_cast<uint32_t>(id), vss_paths[id], {}, 0});
    }
  }
}

SignalTexts::Table* SignalTexts::find(uint32_t signal) noexcept {
  auto it = std::find_if(tables_.begin(), tables_.end(),
                         [signal](const Table& table) { return table.signal == signal; });
  return it == tables_.end() ? nullptr : &*it;
}

const SignalTexts::Table* SignalTexts::find(uint32_t signal) const noexcept {
  return const_cast<SignalTexts*>(this)->find(signal);
}

std::optional<uint32_t> SignalTexts::signal_of(std::string_view path) const noexcept {
  for (const Table& table : tables_) {
    if (table.path == path) {
      return table.signal;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> SignalTexts::intern(uint32_t signal, std::string_view json_value) {
  Table* table = find(signal);
  AG_CHECK(table != nullptr, "SignalTexts::intern: not a text signal");
  auto it = std::find(table->texts.begin(), table->texts.end(), json_value);
  if (it != table->texts.end()) {
    return static_cast<uint32_t>(it - table->texts.begin());
  }
  if (table->texts.size() >= kMaxValues || table->bytes + json_value.size() > kMaxBytes) {
    ++refused_;
    return std::nullopt;
  }
  table->texts.emplace_back(json_value);
  table->bytes += json_value.size();
  return static_cast<uint32_t>(table->texts.size() - 1);
}

const std::vector<std::string>* SignalTexts::texts(uint32_t signal) const noexcept {
  const Table* table = find(signal);
  return table == nullptr ? nullptr : &table->texts;
}

}  // namespace autograph::pipeline
