// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Summary statistics of a trace: request count, time span, request rate per interval
// (min/mean/max over the intervals of interval_series.hpp, empty interior intervals included),
// ISL/OSL mean and percentiles (NumPy's default "linear" definition: value at rank (n - 1) q,
// interpolated), share of requests beyond a context length. Memory grows with the number of
// intervals and of distinct lengths, never with the number of requests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/trace/interval_series.hpp"
#include "sla_planner/trace/trace_record.hpp"
#include "sla_planner/util/percentile.hpp"

namespace sla_planner {

/// What to summarise.
struct TraceSummaryOptions {
  IntervalSeriesOptions intervals;  ///< rate intervals (default 60 s) and time scale
  std::int64_t max_context = 0;     ///< count requests beyond this many tokens (0 = skip)

  /// \throws std::invalid_argument naming the field
  void validate() const {
    intervals.validate();
    if (max_context < 0) throw std::invalid_argument("'max_context' must be >= 0, got " + std::to_string(max_context));
  }
};

/// Distribution of a token length.
struct LengthStats {
  double mean = 0;
  double p50 = 0, p90 = 0, p99 = 0;
  std::int64_t min = 0, max = 0;
};

/// The summary.
struct TraceSummary {
  std::uint64_t requests = 0;
  double first_ms = 0, last_ms = 0;  ///< earliest and latest timestamp (scaled)
  double span_s = 0;                 ///< (last - first) / 1000
  double interval_s = 60;
  std::vector<double> rate;          ///< requests/s of every interval, first to last
  double rate_min = 0, rate_mean = 0, rate_max = 0;
  LengthStats isl, osl;
  std::int64_t max_context = 0;             ///< 0 when not asked
  std::uint64_t isl_over_context = 0;       ///< requests with ISL > max_context
  std::uint64_t total_over_context = 0;     ///< requests with ISL + OSL > max_context
};

namespace detail {

/// Exact counts per value: dense below 2^20, a map above.
class LengthHistogram {
public:
  void add(std::int64_t v) {
    ++n_;
    sum_ += static_cast<long double>(v);
    if (v < kDense) {
      if (static_cast<std::size_t>(v) >= dense_.size()) dense_.resize(std::max<std::size_t>(static_cast<std::size_t>(v) + 1, dense_.size() * 2));
      ++dense_[static_cast<std::size_t>(v)];
    } else {
      ++sparse_[v];
    }
  }

  LengthStats stats() const {
    LengthStats s;
    if (n_ == 0) return s;
    s.mean = static_cast<double>(sum_ / static_cast<long double>(n_));
    s.min = value_at(0);
    s.max = value_at(n_ - 1);
    s.p50 = percentile(0.50);
    s.p90 = percentile(0.90);
    s.p99 = percentile(0.99);
    return s;
  }

  /// NumPy's default percentile (util/percentile.hpp) at fraction q.
  double percentile(double q) const {
    return numpy_quantile_of_ranks(n_, q, [this](std::uint64_t r) { return value_at(r); });
  }

  /// The value of rank r (0-based) in sorted order.
  std::int64_t value_at(std::uint64_t r) const {
    std::uint64_t seen = 0;
    for (std::size_t v = 0; v < dense_.size(); ++v) {
      seen += dense_[v];
      if (seen > r) return static_cast<std::int64_t>(v);
    }
    for (const auto& [v, c] : sparse_) {
      seen += c;
      if (seen > r) return v;
    }
    return 0;
  }

private:
  static constexpr std::int64_t kDense = std::int64_t(1) << 20;
  std::vector<std::uint64_t> dense_;
  std::map<std::int64_t, std::uint64_t> sparse_;
  std::uint64_t n_ = 0;
  long double sum_ = 0;
};

}  // namespace detail

/// Adds requests in any order, then summary().
class TraceSummarizer {
public:
  explicit TraceSummarizer(const TraceSummaryOptions& options = {}, std::string source = "trace")
      : opt_(options), intervals_(options.intervals, std::move(source)) {
    opt_.validate();
  }

  void add(const TraceRecord& r) {
    intervals_.add(r);
    const double t = r.timestamp_ms / opt_.intervals.time_scale;
    if (n_ == 0 || t < first_) first_ = t;
    if (n_ == 0 || t > last_) last_ = t;
    ++n_;
    isl_.add(r.input_length);
    osl_.add(r.output_length);
    if (opt_.max_context > 0) {
      isl_over_ += r.input_length > opt_.max_context;
      total_over_ += r.output_length > opt_.max_context - r.input_length;  // ISL + OSL > max, without overflow
    }
  }
  void add(const TraceRecord* r, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) add(r[i]);
  }

  TraceSummary summary() const {
    TraceSummary s;
    s.requests = n_;
    s.interval_s = opt_.intervals.interval_s;
    s.max_context = opt_.max_context;
    if (n_ == 0) return s;
    s.first_ms = first_;
    s.last_ms = last_;
    s.span_s = (last_ - first_) / 1000.0;
    const IntervalSeries series = intervals_.series();
    s.rate.reserve(series.size());
    for (auto c : series.num_req) s.rate.push_back(static_cast<double>(c) / s.interval_s);
    s.rate_min = *std::min_element(s.rate.begin(), s.rate.end());
    s.rate_max = *std::max_element(s.rate.begin(), s.rate.end());
    s.rate_mean = static_cast<double>(n_) / (static_cast<double>(series.size()) * s.interval_s);
    s.isl = isl_.stats();
    s.osl = osl_.stats();
    s.isl_over_context = isl_over_;
    s.total_over_context = total_over_;
    return s;
  }

private:
  TraceSummaryOptions opt_;
  IntervalAccumulator intervals_;
  detail::LengthHistogram isl_, osl_;
  std::uint64_t n_ = 0, isl_over_ = 0, total_over_ = 0;
  double first_ = 0, last_ = 0;
};

/// A sparkline of `values` in at most `width` characters (UTF-8 block elements, 0 to the maximum
/// in 8 steps); neighbouring values are averaged when there are more values than characters.
inline std::string sparkline(const std::vector<double>& values, std::size_t width) {
  static const char* const bars[8] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
  if (values.empty() || width == 0) return "";
  const std::size_t cols = std::min(width, values.size());
  std::vector<double> v(cols, 0);
  for (std::size_t c = 0; c < cols; ++c) {
    const std::size_t a = c * values.size() / cols, b = (c + 1) * values.size() / cols;
    for (std::size_t i = a; i < b; ++i) v[c] += values[i];
    v[c] /= static_cast<double>(b - a);
  }
  const double top = *std::max_element(v.begin(), v.end());
  std::string out;
  for (double x : v) {
    const int level = top > 0 ? std::min(7, static_cast<int>(x / top * 7 + 0.5)) : 0;
    out += bars[level];
  }
  return out;
}

}  // namespace sla_planner
