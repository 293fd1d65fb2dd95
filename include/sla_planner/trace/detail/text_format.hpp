// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Number formatting: decimal integers into a buffer, and Python's repr() of a float
// (shortest round-trip digits, as CPython's float_repr_style "short": fixed notation for
// decimal exponents -4 <= e < 16, else d.ddde+XX; always a '.0' on integral values).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace sla_planner::detail {

/// Appends the decimal digits of `v` at `p`; returns the end. Needs 20 bytes of room.
inline char* append_int(char* p, std::int64_t v) noexcept { return std::to_chars(p, p + 20, v).ptr; }
inline char* append_uint(char* p, std::uint64_t v) noexcept { return std::to_chars(p, p + 20, v).ptr; }

/// repr(float(v)) as Python 3 prints it: 5.0, 0.2, 1e-05, 1e+16, 123.456, inf, nan.
inline std::string python_float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  // shortest digits in scientific form: [-]d[.ddd]e[+-]XX
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  std::string sign;
  if (s[0] == '-') sign = "-", s.erase(0, 1);
  const auto epos = s.find('e');
  const int exp = std::stoi(s.substr(epos + 1));
  std::string digits = s.substr(0, epos);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  // CPython: scientific when the decimal point position (exp + 1) is <= -4 or > 16
  if (exp < -4 || exp >= 16) {
    std::string m = digits.substr(0, 1);
    if (digits.size() > 1) m += "." + digits.substr(1);
    const int a = exp < 0 ? -exp : exp;
    return sign + m + "e" + (exp < 0 ? "-" : "+") + (a < 10 ? "0" : "") + std::to_string(a);
  }
  std::string out;
  if (exp < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<std::size_t>(exp) + 1 >= digits.size()) {
    out = digits + std::string(static_cast<std::size_t>(exp) + 1 - digits.size(), '0') + ".0";
  } else {
    out = digits.substr(0, static_cast<std::size_t>(exp) + 1) + "." + digits.substr(static_cast<std::size_t>(exp) + 1);
  }
  return sign + out;
}

}  // namespace sla_planner::detail
