// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A Prometheus-style histogram, with the bucket boundaries NVIDIA Dynamo's frontend uses
// (lib/llm/src/http/service/metrics.rs, generate_log_buckets(min, max, count): 0, then
// min·(max/min)^(i/(count-1)) for i = 1..count-1 rounded to two significant figures):
// dynamo_frontend_input_sequence_tokens (50, 128000, 12), *_output_sequence_tokens (50, 32000, 10),
// *_time_to_first_token_seconds (0.001, 480, 18), *_inter_token_latency_seconds (0.001, 2, 13).
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner {

/// Counts of observations (token counts, seconds) per bucket, Prometheus semantics: bucket i counts values v with
/// bounds[i-1] < v <= bounds[i] (bucket 0: v <= bounds[0]); the last bucket is +Inf.
/// `sum` and `count` are exact, so the mean is exact even though the buckets are coarse.
struct Histogram {
  /// Upper bounds of the finite buckets, strictly increasing; the +Inf bucket is implicit.
  std::vector<double> bounds;
  /// Observations per bucket: bounds.size() + 1 entries (the last one is +Inf).
  std::vector<double> counts;
  /// Sum of the observed values.
  double sum = 0;
  /// Number of observations.
  double count = 0;

  Histogram() = default;
  /// An empty histogram over `upper_bounds` (strictly increasing).
  /// \throws std::invalid_argument when the bounds are not strictly increasing
  explicit Histogram(std::vector<double> upper_bounds) : bounds(std::move(upper_bounds)) {
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
  /// Dynamo frontend's time-to-first-token buckets (seconds).
  static const std::vector<double>& dynamo_ttft_s_bounds() {
    static const std::vector<double> b{0,    0.0022, 0.0047, 0.01, 0.022, 0.047, 0.1,  0.22,  0.47,
                                       1.0,  2.2,    4.7,    10.0, 22.0,  48.0,  100.0, 220.0, 480.0};
    return b;
  }
  /// Dynamo frontend's inter-token-latency buckets (seconds).
  static const std::vector<double>& dynamo_itl_s_bounds() {
    static const std::vector<double> b{0, 0.0019, 0.0035, 0.0067, 0.013, 0.024, 0.045, 0.084, 0.16, 0.3, 0.56, 1.1, 2.0};
    return b;
  }
  static Histogram dynamo_isl() { return Histogram(dynamo_isl_bounds()); }
  static Histogram dynamo_osl() { return Histogram(dynamo_osl_bounds()); }
  static Histogram dynamo_ttft_s() { return Histogram(dynamo_ttft_s_bounds()); }
  static Histogram dynamo_itl_s() { return Histogram(dynamo_itl_s_bounds()); }

  /// Share of observations at or below `x`, counting whole buckets only: the cumulative count of
  /// the last bucket whose upper bound is <= x, over the total (what a Prometheus query of
  /// le="x" gives when x is a bucket bound; a lower bound on the true share otherwise).
  double share_at_or_below(double x) const noexcept {
    if (!(count > 0)) return 0.0;
    double c = 0;
    for (std::size_t i = 0; i < bounds.size() && i < counts.size() && bounds[i] <= x; ++i) c += counts[i];
    return c / count;
  }

  /// A histogram from Prometheus' cumulative form: `upper_bounds` ascending (a last +inf bound is
  /// the implicit +Inf bucket), `cumulative` the observations <= each bound, `sum` the _sum series.
  /// \throws std::invalid_argument when the lengths differ or the bounds are not increasing
  static Histogram from_cumulative(const std::vector<double>& upper_bounds, const std::vector<double>& cumulative,
                                   double sum = 0) {
    if (upper_bounds.size() != cumulative.size())
      throw std::invalid_argument("histogram has " + std::to_string(upper_bounds.size()) + " bounds but " +
                                  std::to_string(cumulative.size()) + " cumulative counts");
    std::vector<double> b(upper_bounds);
    const bool has_inf = !b.empty() && b.back() == std::numeric_limits<double>::infinity();
    if (has_inf) b.pop_back();
    Histogram h(std::move(b));
    double prev = 0;
    for (std::size_t i = 0; i < cumulative.size(); ++i) {
      h.counts[std::min(i, h.bounds.size())] += cumulative[i] - prev;
      prev = cumulative[i];
    }
    h.count = prev;
    h.sum = sum;
    return h;
  }

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
  void merge(const Histogram& o) {
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
