// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The Prometheus answers of one adjustment interval, one per frontend query (FrontendQueries).
#pragma once

#include "sla_planner/live/prometheus_response.hpp"

namespace sla_planner {

/// One answer per query of FrontendQueries; an answer that was never fetched stays a failure.
struct FrontendAnswers {
  /// requests(): the request counter's increase
  PrometheusResponse num_req = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
  /// average(time_to_first_token), seconds
  PrometheusResponse ttft = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
  /// average(inter_token_latency), seconds
  PrometheusResponse itl = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
  /// average(input_tokens)
  PrometheusResponse isl = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
  /// average(output_tokens)
  PrometheusResponse osl = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
  /// average(request_duration), seconds
  PrometheusResponse request_duration = PrometheusResponse::failure(PrometheusErrorKind::no_data, "not queried");
};

}  // namespace sla_planner
