// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A Prometheus histogram's buckets over one interval (cumulative counts per upper bound "le"),
// as in the Prometheus documentation "Histograms and summaries".
#pragma once

#include <cstddef>
#include <vector>

namespace sla_planner {

/// Buckets of one interval: upper_bounds ascending (the last is +infinity), cumulative_counts
/// the number of observations <= each bound (non-decreasing). Both have the same length.
struct TokenHistogram {
  std::vector<double> upper_bounds;       ///< bucket upper bounds ("le"), ascending, last = +inf
  std::vector<double> cumulative_counts;  ///< observations <= the bound, non-decreasing

  /// Observations in the interval (the +Inf bucket), 0 when empty.
  double total() const noexcept { return cumulative_counts.empty() ? 0.0 : cumulative_counts.back(); }

  /// Observations per bucket (not cumulative): count in (upper_bounds[i-1], upper_bounds[i]].
  std::vector<double> bucket_counts() const {
    std::vector<double> r(cumulative_counts.size());
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = cumulative_counts[i] - (i ? cumulative_counts[i - 1] : 0.0);
    return r;
  }
};

}  // namespace sla_planner
