// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Per-adjustment-interval load of a trace: request count, mean ISL, mean OSL — what NVIDIA
// Dynamo's planner dry run and predictor warm-up extract from a mooncake trace
// (planner/utils/trace_data_extractor.py, extract_metrics_from_mooncake): interval index =
// floor(timestamp_ms / 1000 / interval_s) with Python's float floor division. Differences from
// that code: an empty interval inside the trace is kept with
// 0 requests and the previous interval's mean ISL/OSL (Dynamo reports 0 / 0 there); a time scale
// can divide timestamps first. Leading and trailing empty intervals never appear.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/trace/trace_record.hpp"
#include "sla_planner/util/python_math.hpp"

namespace sla_planner {

/// How requests are grouped into intervals.
struct IntervalSeriesOptions {
  /// Adjustment interval in seconds (of the scaled time axis).
  double interval_s = 60;
  /// Timestamps are divided by this before grouping: 2 replays the trace twice as fast.
  double time_scale = 1;
  /// A trace spanning more intervals than this is rejected (memory is 24 bytes per interval).
  std::size_t max_intervals = 10'000'000;

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (!(interval_s > 0) || !std::isfinite(interval_s))
      throw std::invalid_argument("'interval_s' must be > 0, got " + std::to_string(interval_s));
    if (!(time_scale > 0) || !std::isfinite(time_scale))
      throw std::invalid_argument("'time_scale' must be > 0, got " + std::to_string(time_scale));
    if (max_intervals < 1) throw std::invalid_argument("'max_intervals' must be >= 1, got 0");
  }
};

/// The load per interval, from the first interval with a request to the last one.
struct IntervalSeries {
  double interval_s = 60;              ///< interval length (scaled seconds)
  std::int64_t first_index = 0;        ///< index of interval 0: floor(t_s / interval_s)
  std::vector<std::int64_t> num_req;   ///< requests per interval (0 for an empty interval)
  std::vector<double> isl;             ///< mean ISL (an empty interval repeats the previous one)
  std::vector<double> osl;             ///< mean OSL (likewise)

  std::size_t size() const noexcept { return num_req.size(); }
  /// Seconds from the start of interval 0 to the start of interval i.
  double time_s(std::size_t i) const noexcept { return static_cast<double>(i) * interval_s; }
  /// Start of interval i on the trace's own (scaled) clock, in seconds.
  double start_s(std::size_t i) const noexcept { return static_cast<double>(first_index + static_cast<std::int64_t>(i)) * interval_s; }
  /// Request counts as doubles (predictor input).
  std::vector<double> num_req_double() const { return {num_req.begin(), num_req.end()}; }
};

/// Adds requests in any order; memory grows with the number of intervals spanned, not requests.
class IntervalAccumulator {
public:
  /// `source` names the input in error messages ("file" -> "file:line: ...").
  explicit IntervalAccumulator(const IntervalSeriesOptions& options = {}, std::string source = "trace")
      : opt_(options), source_(std::move(source)) {
    opt_.validate();
  }

  /// Interval index of a timestamp (ms) under these options.
  /// \throws DataError when the index is beyond +-2^62
  std::int64_t index_of(double timestamp_ms, std::uint64_t line = 0) const {
    double t_s = timestamp_ms / 1000.0;
    if (opt_.time_scale != 1) t_s /= opt_.time_scale;
    const double q = python_floordiv(t_s, opt_.interval_s);
    if (!(std::fabs(q) < 4.6e18)) throw DataError(where(line) + "timestamp " + std::to_string(timestamp_ms) + " ms is out of range");
    return static_cast<std::int64_t>(q);
  }

  /// Counts one request.
  /// \throws DataError when the trace spans too many intervals or a token sum overflows
  void add(const TraceRecord& r) {
    const std::int64_t k = index_of(r.timestamp_ms, r.line);
    Acc& a = slot(k, r.line);
    ++a.n;
    if (__builtin_add_overflow(a.isl, r.input_length, &a.isl) || __builtin_add_overflow(a.osl, r.output_length, &a.osl))
      throw DataError(where(r.line) + "token sum of interval " + std::to_string(k) + " overflows 64 bits");
    ++requests_;
  }
  void add(const TraceRecord* r, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) add(r[i]);
  }

  std::uint64_t requests() const noexcept { return requests_; }

  /// The series from the first to the last non-empty interval (empty when nothing was added).
  IntervalSeries series() const {
    IntervalSeries s;
    s.interval_s = opt_.interval_s;
    if (requests_ == 0) return s;
    const std::int64_t n = hi_ - lo_ + 1;
    s.first_index = lo_;
    s.num_req.reserve(static_cast<std::size_t>(n));
    s.isl.reserve(static_cast<std::size_t>(n));
    s.osl.reserve(static_cast<std::size_t>(n));
    double isl = 0, osl = 0;
    for (std::int64_t k = lo_; k <= hi_; ++k) {
      const Acc& a = acc_[static_cast<std::size_t>(k - base_)];
      if (a.n > 0) {
        isl = static_cast<double>(a.isl) / static_cast<double>(a.n);
        osl = static_cast<double>(a.osl) / static_cast<double>(a.n);
      }
      s.num_req.push_back(a.n);
      s.isl.push_back(isl);
      s.osl.push_back(osl);
    }
    return s;
  }

private:
  struct Acc {
    std::int64_t n = 0, isl = 0, osl = 0;
  };

  std::string where(std::uint64_t line) const {
    return line ? source_ + ":" + std::to_string(line) + ": " : source_ + ": ";
  }

  /// The accumulator of interval k; storage covers [base_, base_ + size) and grows geometrically
  /// at either end, so unsorted input costs amortised O(1) per request.
  Acc& slot(std::int64_t k, std::uint64_t line) {
    if (requests_ == 0 && acc_.empty()) {
      base_ = lo_ = hi_ = k;
      acc_.resize(1);
    }
    const std::int64_t lo = std::min(lo_, k), hi = std::max(hi_, k);
    if (static_cast<std::uint64_t>(hi - lo) >= opt_.max_intervals)
      throw DataError(where(line) + "the trace spans more than " + std::to_string(opt_.max_intervals) + " intervals of " +
                      format_seconds(opt_.interval_s) + " s (timestamps far apart?)");
    const std::int64_t cap_hi = base_ + static_cast<std::int64_t>(acc_.size()) - 1;
    if (k < base_) {
      const std::int64_t grow = std::max<std::int64_t>(base_ - k, static_cast<std::int64_t>(acc_.size()));
      const std::int64_t new_base = std::max<std::int64_t>(base_ - grow, hi - static_cast<std::int64_t>(opt_.max_intervals) + 1);
      acc_.insert(acc_.begin(), static_cast<std::size_t>(base_ - new_base), Acc{});
      base_ = new_base;
    } else if (k > cap_hi) {
      const std::int64_t grow = std::max<std::int64_t>(k - cap_hi, static_cast<std::int64_t>(acc_.size()));
      const std::int64_t new_hi = std::min<std::int64_t>(cap_hi + grow, lo + static_cast<std::int64_t>(opt_.max_intervals) - 1);
      acc_.resize(static_cast<std::size_t>(new_hi - base_ + 1));
    }
    lo_ = lo, hi_ = hi;
    return acc_[static_cast<std::size_t>(k - base_)];
  }

  static std::string format_seconds(double s) {
    std::string t = std::to_string(s);
    while (t.size() > 1 && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
  }

  IntervalSeriesOptions opt_;
  std::string source_;
  std::vector<Acc> acc_;
  std::int64_t base_ = 0, lo_ = 0, hi_ = 0;
  std::uint64_t requests_ = 0;
};

}  // namespace sla_planner
