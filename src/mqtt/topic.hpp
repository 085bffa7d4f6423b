// MQTT topic names and topic filters (MQTT 3.1.1 section 4.7).
#pragma once

#include <string>
#include <string_view>

namespace autograph::mqtt {

// Returns an empty string when `topic` may name a PUBLISH topic (at least one byte, valid MQTT
// UTF-8, no '+' or '#'), else the reason in words.
std::string topic_name_problem(std::string_view topic);

// Returns an empty string when `filter` is a valid SUBSCRIBE/UNSUBSCRIBE filter ('+' only as a
// whole level, '#' only as the whole last level), else the reason in words.
std::string topic_filter_problem(std::string_view filter);

}  // namespace autograph::mqtt
