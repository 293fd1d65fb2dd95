// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The outcome of reading one adjustment interval's metrics: the observation, or why to skip it.
#pragma once

#include <optional>

#include "sla_planner/live/prometheus_error.hpp"
#include "sla_planner/planner/metrics.hpp"

namespace sla_planner {

/// Exactly one of `metrics` (usable: feed the planner) and `skip` (do not scale this interval)
/// is set. skip->message names the metric and the problem, e.g.
/// "dynamo_frontend_requests_total: no data for model 'm' in dynamo_namespace 'ns'".
struct IntervalReading {
  std::optional<Metrics> metrics;       ///< the observation, when usable
  std::optional<PrometheusError> skip;  ///< why the interval is skipped

  bool usable() const noexcept { return metrics.has_value(); }
};

}  // namespace sla_planner
