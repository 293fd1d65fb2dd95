// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Argument checks and the project's message form for them: "'<name>' must be <rule>, got <value>"
// (as LBFGSpp's check_param() names the parameter and its range).
#pragma once

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace sla_planner {

/// Shortest decimal text that reads back as the same double ("200", "0.1", "nan", "inf", "-inf").
inline std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
/// Decimal text of an integer.
inline std::string format_number(long long v) { return std::to_string(v); }

/// Throws std::invalid_argument("'<name>' must be <rule>, got <value>").
template <typename T>
[[noreturn]] inline void throw_param_error(const std::string& name, const std::string& rule, const T& value) {
  std::ostringstream os;
  if constexpr (std::is_floating_point_v<T>) os << format_number(static_cast<double>(value));
  else os << value;
  throw std::invalid_argument("'" + name + "' must be " + rule + ", got " + os.str());
}

/// \throws std::invalid_argument unless v is finite and > 0
inline void check_positive(const std::string& name, double v) {
  if (!(v > 0) || !std::isfinite(v)) throw_param_error(name, "> 0", v);
}
/// \throws std::invalid_argument unless v is finite and >= 0
inline void check_non_negative(const std::string& name, double v) {
  if (!(v >= 0) || !std::isfinite(v)) throw_param_error(name, ">= 0", v);
}
/// \throws std::invalid_argument unless v >= lo
inline void check_at_least(const std::string& name, long long v, long long lo) {
  if (v < lo) throw_param_error(name, ">= " + std::to_string(lo), v);
}

}  // namespace sla_planner
