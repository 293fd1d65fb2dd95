// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Percentiles as numpy.percentile computes them by default (method="linear": the value at
// position q/100 · (n − 1) of the sorted data, interpolated between its two neighbours) — what
// AIPerf reports. Selection (std::nth_element) instead of a full sort: O(n) per percentile.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "sla_planner/sim/replay_result.hpp"

namespace sla_planner::detail {

/// The q-th percentile (0 <= q <= 100) of v, which is reordered; 0 for an empty v.
inline double percentile_linear(std::vector<double>& v, double q) {
  if (v.empty()) return 0.0;
  const double pos = q / 100.0 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(lo);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
  const double a = v[lo];
  if (frac == 0.0 || lo + 1 >= v.size()) return a;
  const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
  return a + (b - a) * frac;
}

/// p50, p90 and p99 of v (reordered).
inline LatencyPercentiles latency_percentiles(std::vector<double>& v) {
  LatencyPercentiles p;
  p.p50 = percentile_linear(v, 50);
  p.p90 = percentile_linear(v, 90);
  p.p99 = percentile_linear(v, 99);
  return p;
}

}  // namespace sla_planner::detail
