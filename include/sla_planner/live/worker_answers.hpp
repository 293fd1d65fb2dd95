// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The Prometheus answers of one tick about the engines themselves (vLLM's scheduler gauges), one
// per query of WorkerMetricsReader.
#pragma once

#include "sla_planner/live/prometheus_response.hpp"

namespace sla_planner {

/// One answer per engine query; an answer that was never fetched stays a failure.
struct WorkerAnswers {
  /// WorkerMetricsReader::waiting_query(): requests waiting in each engine's queue
  PrometheusResponse waiting = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
  /// WorkerMetricsReader::running_query(): requests in each engine's running batch
  PrometheusResponse running = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
  /// WorkerMetricsReader::kv_usage_query(): each engine's KV-cache use, 0..1
  PrometheusResponse kv_usage = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
};

}  // namespace sla_planner
