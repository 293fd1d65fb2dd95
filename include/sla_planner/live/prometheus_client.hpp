// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Instant queries against Prometheus's HTTP API: GET <base>/api/v1/query?query=<url-encoded PromQL>
// (Prometheus documentation, "HTTP API" / "Instant queries"). Error answers of Prometheus come
// with HTTP 400 (bad_data), 422 (execution), 503 (timeout/canceled) and a JSON body; those are
// reported as error_status, other statuses as http_status, network failures as transport.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sla_planner/live/frontend_answers.hpp"
#include "sla_planner/live/frontend_queries.hpp"
#include "sla_planner/live/http_client.hpp"
#include "sla_planner/live/prometheus_response.hpp"

namespace sla_planner {

/// Sends instant queries to one Prometheus server. Not thread-safe (it owns one HttpClient).
class PrometheusClient {
public:
  /// \param base_url e.g. "http://localhost:9090" (a trailing '/' is ignored; a path prefix such
  ///                 as "http://host/prometheus" is kept)
  /// \param headers  extra header lines sent with every query, e.g. "Authorization: Bearer <token>"
  PrometheusClient(std::string base_url, HttpOptions options = {}, std::vector<std::string> headers = {})
      : base_(std::move(base_url)), http_(std::move(options)), headers_(std::move(headers)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    if (base_.rfind("http://", 0) != 0 && base_.rfind("https://", 0) != 0)
      throw std::invalid_argument("'metric_pulling_prometheus_endpoint' must start with http:// or https://, got '" +
                                  base_ + "'");
  }

  /// The URL of an instant query.
  std::string query_url(const std::string& promql) const {
    return base_ + "/api/v1/query?query=" + HttpClient::url_encode(promql);
  }

  /// Runs one instant query; never throws for network or answer problems.
  PrometheusResponse query(const std::string& promql) {
    const HttpResult r = http_.get(query_url(promql), headers_);
    if (!r.answered()) return PrometheusResponse::failure(PrometheusErrorKind::transport, r.message);
    if (r.ok()) return PrometheusResponse::parse(r.body);
    const std::string status = "HTTP " + std::to_string(r.status);
    const PrometheusResponse parsed = PrometheusResponse::parse(r.body);
    if (!parsed.ok() && parsed.error().kind == PrometheusErrorKind::error_status)
      return PrometheusResponse::failure(PrometheusErrorKind::error_status, status + ": " + parsed.error().message);
    std::string text = r.body.substr(0, 120);
    for (char& c : text)
      if (c == '\n' || c == '\r') c = ' ';
    return PrometheusResponse::failure(PrometheusErrorKind::http_status,
                                       status + " from " + base_ + (text.empty() ? "" : ": " + text));
  }

  /// All six frontend queries of one interval. When the first fails to reach Prometheus the
  /// others are not sent (they stay "not queried").
  FrontendAnswers fetch_frontend(const FrontendQueries& q) {
    FrontendAnswers a;
    a.num_req = query(q.requests());
    // Unreachable: the other five would each wait for the same time-out.
    if (!a.num_req.ok() && a.num_req.error().kind == PrometheusErrorKind::transport) return a;
    a.ttft = query(q.average(FrontendHistogram::time_to_first_token));
    a.itl = query(q.average(FrontendHistogram::inter_token_latency));
    a.isl = query(q.average(FrontendHistogram::input_tokens));
    a.osl = query(q.average(FrontendHistogram::output_tokens));
    a.request_duration = query(q.average(FrontendHistogram::request_duration));
    return a;
  }

  const std::string& base_url() const noexcept { return base_; }

private:
  std::string base_;
  HttpClient http_;
  std::vector<std::string> headers_;
};

}  // namespace sla_planner
