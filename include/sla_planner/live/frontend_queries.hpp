// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// PromQL for the metrics of Dynamo's HTTP frontend, as Dynamo's planner reads them:
// ai-dynamo/dynamo components/src/dynamo/planner/monitoring/traffic_metrics.py (PrometheusAPIClient,
// commit 2fed97ce89f4636d4972e6717f4c85ca02296c25; metric names from dynamo.prometheus_names):
//   requests:  increase(dynamo_frontend_requests_total[I])           (summed per model by the caller)
//   averages:  sum by (model, dynamo_namespace) (increase(<m>_sum[I]))
//            / sum by (model, dynamo_namespace) (increase(<m>_count[I]))
// The interval is written as Dynamo writes it, f"{adjustment_interval}s", with a millisecond form
// for intervals that are not whole seconds. The model/namespace selection happens on the answer,
// not in the query, as in Dynamo (the frontend lowercases model names in its labels).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

namespace sla_planner {

/// The frontend histograms whose per-interval mean the planner reads.
enum class FrontendHistogram {
  time_to_first_token,  ///< dynamo_frontend_time_to_first_token_seconds
  inter_token_latency,  ///< dynamo_frontend_inter_token_latency_seconds
  request_duration,     ///< dynamo_frontend_request_duration_seconds
  input_tokens,         ///< dynamo_frontend_input_sequence_tokens
  output_tokens,        ///< dynamo_frontend_output_sequence_tokens
};

/// Builds the PromQL strings for one adjustment interval length.
class FrontendQueries {
public:
  /// \param interval_s the adjustment interval in seconds (> 0; whole milliseconds are kept)
  explicit FrontendQueries(double interval_s) : range_(format_range(interval_s)) {}

  /// The metric's full name, e.g. "dynamo_frontend_time_to_first_token_seconds".
  static std::string metric_name(FrontendHistogram h) {
    switch (h) {
      case FrontendHistogram::time_to_first_token: return "dynamo_frontend_time_to_first_token_seconds";
      case FrontendHistogram::inter_token_latency: return "dynamo_frontend_inter_token_latency_seconds";
      case FrontendHistogram::request_duration: return "dynamo_frontend_request_duration_seconds";
      case FrontendHistogram::input_tokens: return "dynamo_frontend_input_sequence_tokens";
      case FrontendHistogram::output_tokens: return "dynamo_frontend_output_sequence_tokens";
    }
    throw std::invalid_argument("unknown frontend histogram");
  }

  /// The counter of requests.
  static std::string requests_metric() { return "dynamo_frontend_requests_total"; }

  /// The range selector's duration, e.g. "60s" or "1500ms".
  const std::string& range() const noexcept { return range_; }

  /// Requests in the interval, one series per frontend label set.
  std::string requests() const { return "increase(" + requests_metric() + "[" + range_ + "])"; }

  /// Mean of a histogram over the interval, one series per (model, dynamo_namespace): all
  /// observations weigh the same, however they are spread over frontends.
  std::string average(FrontendHistogram h) const {
    const std::string m = metric_name(h);
    return "sum by (model, dynamo_namespace) (increase(" + m + "_sum[" + range_ + "])) / " +
           "sum by (model, dynamo_namespace) (increase(" + m + "_count[" + range_ + "]))";
  }

  /// Cumulative bucket counts over the interval, one series per (le, model, dynamo_namespace):
  /// the distribution of, e.g., input lengths.
  std::string buckets(FrontendHistogram h) const {
    return "sum by (le, model, dynamo_namespace) (increase(" + metric_name(h) + "_bucket[" + range_ + "]))";
  }

  /// "60s" for whole seconds, "1500ms" otherwise. Throws std::invalid_argument unless the interval
  /// is finite and at least one millisecond.
  static std::string format_range(double interval_s) {
    if (!std::isfinite(interval_s) || interval_s < 0.001 || interval_s > 1e9)
      throw std::invalid_argument("'adjustment_interval' must be a number of seconds in [0.001, 1e9], got " +
                                  std::to_string(interval_s));
    const double ms = std::round(interval_s * 1000.0);
    const auto whole_ms = static_cast<long long>(ms);
    if (whole_ms % 1000 == 0) return std::to_string(whole_ms / 1000) + "s";
    return std::to_string(whole_ms) + "ms";
  }

private:
  std::string range_;
};

}  // namespace sla_planner
