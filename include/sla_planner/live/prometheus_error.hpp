// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Why a Prometheus query gave no usable number. Answer format: Prometheus HTTP API,
// "Expression queries" (https://prometheus.io/docs/prometheus/latest/querying/api/).
#pragma once

#include <string>

namespace sla_planner {

/// The reason a query's answer cannot be used; the planner skips the interval on any of them.
enum class PrometheusErrorKind {
  transport,         ///< no HTTP answer: connection refused, time-out, DNS failure
  http_status,       ///< an HTTP status other than 2xx without a Prometheus error body
  unparsable,        ///< the body is empty, not JSON, or truncated
  error_status,      ///< Prometheus answered "status": "error" (bad query, time-out on its side)
  unexpected_shape,  ///< valid JSON, but not an instant-query answer (wrong fields or types)
  no_data,           ///< the query matched no series (or none for this model and namespace)
  not_finite,        ///< the value is NaN or infinite (e.g. 0/0 for an idle interval's average)
};

/// Short stable name of a kind ("no_data", ...), for logs and metric labels.
inline const char* to_string(PrometheusErrorKind kind) noexcept {
  switch (kind) {
    case PrometheusErrorKind::transport: return "transport";
    case PrometheusErrorKind::http_status: return "http_status";
    case PrometheusErrorKind::unparsable: return "unparsable";
    case PrometheusErrorKind::error_status: return "error_status";
    case PrometheusErrorKind::unexpected_shape: return "unexpected_shape";
    case PrometheusErrorKind::no_data: return "no_data";
    case PrometheusErrorKind::not_finite: return "not_finite";
  }
  return "unknown";
}

/// A typed reason plus a one-line message saying what was wrong.
struct PrometheusError {
  PrometheusErrorKind kind = PrometheusErrorKind::unparsable;  ///< which kind of failure
  std::string message;                                         ///< one line, no trailing newline
};

}  // namespace sla_planner
