#include "mqtt/topic.hpp"

#include <fmt/format.h>

#include "mqtt/byte_reader.hpp"

namespace autograph::mqtt {

std::string topic_name_problem(std::string_view topic) {
  if (topic.empty()) {
    return "empty topic name";
  }
  if (std::string problem = mqtt_utf8_problem(topic); !problem.empty()) {
    return problem;
  }
  if (const size_t at = topic.find_first_of("+#"); at != std::string_view::npos) {
    return fmt::format("wildcard '{}' at byte {} in a topic name", topic[at], at);
  }
  return {};
}

std::string topic_filter_problem(std::string_view filter) {
  if (filter.empty()) {
    return "empty topic filter";
  }
  if (std::string problem = mqtt_utf8_problem(filter); !problem.empty()) {
    return problem;
  }
  for (size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') {
      continue;
    }
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level) {
      return fmt::format("wildcard '{}' at byte {} is not a whole level", c, i);
    }
    if (c == '#' && i + 1 != filter.size()) {
      return fmt::format("'#' at byte {} is not the last level", i);
    }
  }
  return {};
}

}  // namespace autograph::mqtt
