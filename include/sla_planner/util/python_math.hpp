// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Python's float floor division (CPython Objects/floatobject.c, float_divmod), so that intervals
// are numbered exactly as NVIDIA Dynamo's planner numbers them (floor(timestamp_s / interval)).
#pragma once

#include <cmath>

namespace sla_planner {

namespace detail {
/// CPython's float_divmod quotient, step by step.
inline double python_floordiv_divmod(double a, double b) {
  const double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0 && (mod < 0)) div -= 1.0;  // b > 0: the remainder takes b's sign
  if (div == 0) return std::copysign(0.0, a / b);
  double fl = std::floor(div);
  if (div - fl > 0.5) fl += 1.0;
  return fl;
}
}  // namespace detail

/// Python's float floor division a // b (CPython float_divmod), for b > 0.
inline double python_floordiv(double a, double b) {
  // For positive operands CPython's result is floor of the exact quotient (fmod is exact). For
  // 0 < a/b < 2^20 the rounded quotient is within 2^-33 of the exact one, so when it is more than
  // 1e-9 from an integer its floor is that result: no fmod for almost every timestamp.
  const double q = a / b;
  if (q > 0 && q < 1048576.0) {
    const double f = std::floor(q), frac = q - f;
    if (frac > 1e-9 && frac < 1 - 1e-9) return f;
  }
  return detail::python_floordiv_divmod(a, b);
}

}  // namespace sla_planner
