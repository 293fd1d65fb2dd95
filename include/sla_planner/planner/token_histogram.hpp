// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A Prometheus-style histogram of token counts, with the bucket boundaries NVIDIA Dynamo's frontend
// uses for dynamo_frontend_input_sequence_tokens / dynamo_frontend_output_sequence_tokens
// (lib/llm/src/http/service/metrics.rs: generate_log_buckets(50, 128000, 12) for ISL and
// generate_log_buckets(50, 32000, 10) for OSL — 0, then log-spaced values rounded to two
// significant figures, the first log step above the minimum, the last one the maximum).
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner {

/// Counts of observations per bucket, Prometheus semantics: bucket i counts values v with
/// bounds[i-1] < v <= bounds[i] (bucket 0: v <= bounds[0]); the last bucket is +Inf.
/// `sum` and `count` are exact, so the mean is exact even though the buckets are coarse.
struct TokenHistogram {
  /// Upper bounds of the finite buckets, strictly increasing; the +Inf bucket is implicit.
  std::vector<double> bounds;
  /// Observations per bucket: bounds.size() + 1 entries (the last one is +Inf).
  std::vector<double> counts;
  /// Sum of the observed values.
  double sum = 0;
  /// Number of observations.
  double count = 0;

  TokenHistogram() = default;
  /// An empty histogram over `upper_bounds` (strictly increasing).
  /// \throws std::invalid_argument when the bounds are not strictly increasing
  explicit TokenHistogram(std::vector<double> upper_bounds) : bounds(std::move(upper_bounds)) {
    for (std::size_t i = 1; i < bounds.size(); ++i)
      if (!(bounds[i] > bounds[i - 1]))
        throw std::invalid_argument("histogram bounds must be strictly increasing, got " + std::to_string(bounds[i]) +
                                    " after " + std::to_string(bounds[i - 1]));
    counts.assign(bounds.size() + 1, 0.0);
  }

  /// Dynamo frontend's input-sequence-length buckets (tokens).
  static const std::vector<double>& dynamo_isl_bounds() {
    static const std::vector<double> b{0, 100, 210, 430, 870, 1800, 3600, 7400, 15000, 31000, 63000, 130000};
    return b;
  }
  /// Dynamo frontend's output-sequence-length buckets (tokens).
  static const std::vector<double>& dynamo_osl_bounds() {
    static const std::vector<double> b{0, 100, 210, 430, 880, 1800, 3700, 7600, 16000, 32000};
    return b;
  }
  static TokenHistogram dynamo_isl() { return TokenHistogram(dynamo_isl_bounds()); }
  static TokenHistogram dynamo_osl() { return TokenHistogram(dynamo_osl_bounds()); }

  /// Records `n` observations of `value`.
  void add(double value, double n = 1.0) {
    if (counts.size() != bounds.size() + 1) counts.assign(bounds.size() + 1, 0.0);
    const auto it = std::lower_bound(bounds.begin(), bounds.end(), value);  // first bound >= value
    counts[static_cast<std::size_t>(it - bounds.begin())] += n;
    sum += value * n;
    count += n;
  }

  /// Adds another histogram with the same bounds (a longer window).
  /// \throws std::invalid_argument when the bounds differ
  void merge(const TokenHistogram& o) {
    if (o.count == 0 && o.sum == 0) return;
    if (o.bounds != bounds) throw std::invalid_argument("cannot merge histograms with different bucket bounds");
    if (counts.size() != bounds.size() + 1) counts.assign(bounds.size() + 1, 0.0);
    for (std::size_t i = 0; i < counts.size() && i < o.counts.size(); ++i) counts[i] += o.counts[i];
    sum += o.sum;
    count += o.count;
  }

  bool empty() const noexcept { return !(count > 0); }
  /// sum / count (0 when empty).
  double mean() const noexcept { return count > 0 ? sum / count : 0.0; }
};

}  // namespace sla_planner
