// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Strict parsing of a Prometheus sample value string. Prometheus formats floats with Go's
// strconv.FormatFloat(v, 'f', -1, 64), so values are plain decimals or "NaN", "+Inf", "-Inf".
#pragma once

#include <charconv>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace sla_planner::detail {

/// The number in `s`, or nullopt when `s` is not entirely one number. Accepts decimals with an
/// optional exponent and a leading '-', and the special strings NaN, +Inf, -Inf (also Inf).
inline std::optional<double> parse_prometheus_number(std::string_view s) noexcept {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (s.empty()) return std::nullopt;
  // from_chars also accepts "nan"/"inf" spellings: only digits, sign, '.', exponent are allowed here.
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
    // Overflow or underflow: strtod gives +-infinity or the nearest (sub)normal, as Go's parser does.
    const std::string copy(s);
    return std::strtod(copy.c_str(), nullptr);
  }
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace sla_planner::detail
