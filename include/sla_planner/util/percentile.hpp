// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Percentiles as numpy.percentile computes them by default (method="linear", NumPy 1.22+): the
// value at rank h = q·(n − 1) of the sorted data, between ranks floor(h) and floor(h) + 1 with
// NumPy's _lerp, which interpolates from the upper neighbour when the weight is >= 0.5 (so that
// the result is exact at both ends). AIPerf reports latency percentiles this way.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sla_planner {

/// NumPy's _lerp(a, b, t): a + (b − a)·t, computed from b when t >= 0.5.
inline double numpy_lerp(double a, double b, double t) noexcept {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/// The q-quantile (0 <= q <= 1) of n sorted values, given the value of each rank (0-based) by
/// `value_at(rank)`. NaN for n = 0.
template <class ValueAt>
double numpy_quantile_of_ranks(std::uint64_t n, double q, const ValueAt& value_at) {
  if (n == 0) return std::nan("");
  const double h = static_cast<double>(n - 1) * q;
  const auto lo = static_cast<std::uint64_t>(std::floor(h));
  const double a = static_cast<double>(value_at(lo));
  if (lo + 1 >= n) return a;
  const double t = h - static_cast<double>(lo);
  if (t == 0.0) return a;
  return numpy_lerp(a, static_cast<double>(value_at(lo + 1)), t);
}

/// numpy.percentile(v, q) for 0 <= q <= 100; `v` is reordered (selection, O(n), not a sort).
/// 0 for an empty v.
inline double percentile_inplace(std::vector<double>& v, double q) {
  if (v.empty()) return 0.0;
  bool selected = false;
  return numpy_quantile_of_ranks(v.size(), q / 100.0, [&](std::uint64_t r) {
    const auto it = v.begin() + static_cast<std::ptrdiff_t>(r);
    if (!selected) {  // rank floor(h): select it; everything after it is >= it
      std::nth_element(v.begin(), it, v.end());
      selected = true;
      return *it;
    }
    return *std::min_element(it, v.end());  // rank floor(h) + 1: the smallest of the rest
  });
}

}  // namespace sla_planner
