// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Turns the parsed Prometheus answers of one interval into the planner's Metrics, following
// Dynamo's planner: ai-dynamo/dynamo components/src/dynamo/planner/monitoring/traffic_metrics.py
// (commit 2fed97ce89f4636d4972e6717f4c85ca02296c25):
//  - a series belongs to the deployment when its "model" label equals the model name ignoring
//    case and its "dynamo_namespace" label equals the namespace exactly;
//  - requests: the sum over the matching series, NaN series left out; no matching non-NaN series
//    means demand is unknown (Dynamo: "demand is UNKNOWN, not zero");
//  - averages: the first matching series of the per-(model, namespace) ratio;
//  - an interval is valid only if all of ttft, itl, isl, osl, num_req, request_duration are
//    present and not NaN (Metrics.is_valid), except that an idle interval (num_req == 0) is a
//    valid observation whose 0/0 averages are left unset (Metrics.normalize_idle_nans).
// Unlike Dynamo, no missing value is replaced by 0: a missing average skips the interval.
// Seconds are converted to milliseconds for TTFT and ITL.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "sla_planner/live/detail/prometheus_number.hpp"
#include "sla_planner/live/frontend_answers.hpp"
#include "sla_planner/live/frontend_queries.hpp"
#include "sla_planner/live/interval_reading.hpp"
#include "sla_planner/live/prometheus_response.hpp"
#include "sla_planner/live/prometheus_value.hpp"
#include "sla_planner/live/token_histogram.hpp"

namespace sla_planner {

/// Selects one deployment's series (model, Dynamo namespace) from frontend answers.
class FrontendMetricsReader {
public:
  /// \param model_name        the served model, compared with the "model" label ignoring case
  /// \param dynamo_namespace  compared with the "dynamo_namespace" label exactly
  FrontendMetricsReader(std::string model_name, std::string dynamo_namespace)
      : model_(std::move(model_name)), namespace_(std::move(dynamo_namespace)), model_lower_(lower(model_)) {}

  /// True when the sample carries this deployment's model and namespace labels.
  bool matches(const PrometheusSample& s) const {
    return !s.label("model").empty() && lower(s.label("model")) == model_lower_ &&
           s.label("dynamo_namespace") == namespace_;
  }

  /// Sum over matching series, NaN series left out; no_data when none matched, not_finite when
  /// every match was NaN or the sum is infinite.
  PrometheusValue request_count(const PrometheusResponse& r) const {
    if (!r.ok()) return PrometheusValue::failure(r.error().kind, r.error().message);
    double total = 0;
    bool matched = false, matched_nan = false;
    for (const auto& s : r.samples()) {
      if (!matches(s)) continue;
      if (std::isnan(s.value)) {
        matched_nan = true;
        continue;
      }
      matched = true;
      total += s.value;
    }
    if (!matched) return matched_nan ? PrometheusResponse::finite_value(std::numeric_limits<double>::quiet_NaN()) : no_match();
    return PrometheusResponse::finite_value(total);
  }

  /// The first matching series' value; no_data when none matches, not_finite for NaN / Inf.
  PrometheusValue average(const PrometheusResponse& r) const {
    if (!r.ok()) return PrometheusValue::failure(r.error().kind, r.error().message);
    for (const auto& s : r.samples())
      if (matches(s)) return PrometheusResponse::finite_value(s.value);
    return no_match();
  }

  /// The interval's observation, or the first reason to skip it (in the order num_req, ttft,
  /// itl, isl, osl, request_duration). Values are checked to be finite and >= 0.
  IntervalReading read(const FrontendAnswers& a) const {
    IntervalReading out;
    const PrometheusValue n = request_count(a.num_req);
    if (!check(n, FrontendQueries::requests_metric(), out)) return out;
    Metrics m;
    m.num_req = n.value();
    if (n.value() == 0) {  // idle: the averages are 0/0 and carry no information
      out.metrics = m;
      return out;
    }
    const struct {
      const PrometheusResponse& answer;
      FrontendHistogram histogram;
      std::optional<double>& field;
      double scale;
    } fields[] = {
        {a.ttft, FrontendHistogram::time_to_first_token, m.ttft_ms, 1000.0},
        {a.itl, FrontendHistogram::inter_token_latency, m.itl_ms, 1000.0},
        {a.isl, FrontendHistogram::input_tokens, m.isl, 1.0},
        {a.osl, FrontendHistogram::output_tokens, m.osl, 1.0},
        {a.request_duration, FrontendHistogram::request_duration, m.request_duration_s, 1.0},
    };
    for (const auto& f : fields) {
      const PrometheusValue v = average(f.answer);
      if (!check(v, FrontendQueries::metric_name(f.histogram), out)) return out;
      f.field = v.value() * f.scale;
    }
    out.metrics = m;
    return out;
  }

  /// The matching series of a buckets() answer as one histogram (series differing only in the
  /// model name's case are added), or nullopt with `why` set: no_data when no series matches or
  /// there is no +Inf bucket, unexpected_shape for an unparsable "le" label, not_finite for a
  /// NaN/Inf count, and unexpected_shape when cumulative counts decrease.
  std::optional<TokenHistogram> histogram(const PrometheusResponse& r, PrometheusError& why) const {
    if (!r.ok()) {
      why = r.error();
      return std::nullopt;
    }
    std::map<double, double> by_bound;
    for (const auto& s : r.samples()) {
      if (!matches(s)) continue;
      const auto le = detail::parse_prometheus_number(s.label("le"));
      if (!le || std::isnan(*le)) {
        why = {PrometheusErrorKind::unexpected_shape, "bucket label le=\"" + s.label("le") + "\" is not a number"};
        return std::nullopt;
      }
      if (!std::isfinite(s.value)) {
        why = PrometheusResponse::finite_value(s.value).error();
        return std::nullopt;
      }
      by_bound[*le] += s.value;
    }
    if (by_bound.empty()) {
      why = no_match().error();
      return std::nullopt;
    }
    if (!std::isinf(by_bound.rbegin()->first)) {
      why = {PrometheusErrorKind::no_data, "no +Inf bucket"};
      return std::nullopt;
    }
    TokenHistogram h;
    for (const auto& [bound, count] : by_bound) {
      if (!h.cumulative_counts.empty() && count < h.cumulative_counts.back()) {
        why = {PrometheusErrorKind::unexpected_shape, "bucket counts decrease at le=" + format_bound(bound)};
        return std::nullopt;
      }
      h.upper_bounds.push_back(bound);
      h.cumulative_counts.push_back(count);
    }
    return h;
  }

private:
  static std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  }

  static std::string format_bound(double b) {
    if (std::isinf(b)) return "+Inf";
    std::string s = std::to_string(b);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  PrometheusValue no_match() const {
    return PrometheusValue::failure(PrometheusErrorKind::no_data,
                                    "no data for model '" + model_ + "' in dynamo_namespace '" + namespace_ + "'");
  }

  /// On failure (or a negative value) records "<metric>: <message>" in out.skip.
  static bool check(const PrometheusValue& v, const std::string& metric, IntervalReading& out) {
    if (!v.ok()) {
      out.skip = PrometheusError{v.error().kind, metric + ": " + v.error().message};
      return false;
    }
    if (v.value() < 0) {
      out.skip = PrometheusError{PrometheusErrorKind::unexpected_shape,
                                 metric + ": negative value " + std::to_string(v.value())};
      return false;
    }
    return true;
  }

  std::string model_, namespace_, model_lower_;
};

}  // namespace sla_planner
