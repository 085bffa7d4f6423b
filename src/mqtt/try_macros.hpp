// Early return on error inside functions that return Result, so codec functions read as the
// sequence of fields they parse rather than as nested error checks.
#pragma once

#include <utility>

#include "autograph/result.hpp"

#define MQTT_CONCAT_INNER(a, b) a##b
#define MQTT_CONCAT(a, b) MQTT_CONCAT_INNER(a, b)

// MQTT_TRY(expr): returns expr's Error from the enclosing function when expr failed.
#define MQTT_TRY(expr)                                   \
  do {                                                   \
    if (auto mqtt_try_result = (expr); !mqtt_try_result) \
      return ::tl::unexpected(mqtt_try_result.error());  \
  } while (false)

// MQTT_TRY_ASSIGN(decl, expr): `decl = *expr` or returns expr's Error. `decl` is a declaration
// and `tmp` a name: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define MQTT_TRY_ASSIGN(decl, expr) \
  MQTT_TRY_ASSIGN_IMPL(MQTT_CONCAT(mqtt_try_, __LINE__), decl, expr)
#define MQTT_TRY_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                          \
  if (!tmp)                                   \
    return ::tl::unexpected(tmp.error());     \
  decl = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)
