// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// p50/p90/p99 of a replay's latencies, NumPy's default percentiles (util/percentile.hpp).
#pragma once

#include <vector>

#include "sla_planner/sim/replay_result.hpp"
#include "sla_planner/util/percentile.hpp"

namespace sla_planner::detail {

/// p50, p90 and p99 of v (reordered); zeros for an empty v.
inline LatencyPercentiles latency_percentiles(std::vector<double>& v) {
  LatencyPercentiles p;
  p.p50 = percentile_inplace(v, 50);
  p.p90 = percentile_inplace(v, 90);
  p.p99 = percentile_inplace(v, 99);
  return p;
}

}  // namespace sla_planner::detail
