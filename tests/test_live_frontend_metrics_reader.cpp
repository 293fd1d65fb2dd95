// FrontendMetricsReader: Dynamo's model / namespace selection on frontend answers, the seconds ->
// milliseconds conversion, the idle interval, histograms, and every reason to skip an interval.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/live/frontend_metrics_reader.hpp"

using namespace sla_planner;

namespace {
struct Series {
  Series(std::string m, std::string n, std::string v, std::string l = "")
      : model(std::move(m)), ns(std::move(n)), value(std::move(v)), le(std::move(l)) {}
  std::string model, ns, value, le;
};

/// A vector answer with one series per entry (labels model, dynamo_namespace and optional le).
PrometheusResponse vec(const std::vector<Series>& series) {
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    if (i) body += ",";
    body += R"({"metric":{"model":")" + s.model + R"(","dynamo_namespace":")" + s.ns + "\"";
    if (!s.le.empty()) body += R"(,"le":")" + s.le + "\"";
    body += R"(},"value":[1700000000,")" + s.value + "\"]}";
  }
  body += "]}}";
  return PrometheusResponse::parse(body);
}

/// Answers of a busy interval: 2 frontends of model "Qwen/Qwen3-0.6B" in namespace "dyn"
/// (labels lowercased, as Dynamo's frontend writes them), plus another model and namespace.
FrontendAnswers busy() {
  FrontendAnswers a;
  a.num_req = vec({{"qwen/qwen3-0.6b", "dyn", "300"}, {"qwen/qwen3-0.6b", "dyn", "180.5"},
                   {"qwen/qwen3-0.6b", "other", "1000"}, {"llama", "dyn", "77"}});
  a.ttft = vec({{"llama", "dyn", "9"}, {"qwen/qwen3-0.6b", "dyn", "0.0825"}});
  a.itl = vec({{"qwen/qwen3-0.6b", "dyn", "0.0095"}});
  a.isl = vec({{"qwen/qwen3-0.6b", "dyn", "4000"}});
  a.osl = vec({{"qwen/qwen3-0.6b", "dyn", "150"}});
  a.request_duration = vec({{"qwen/qwen3-0.6b", "dyn", "1.5"}});
  return a;
}

const FrontendMetricsReader reader("Qwen/Qwen3-0.6B", "dyn");

void check_skip(const FrontendAnswers& a, PrometheusErrorKind kind, const std::string& message) {
  const IntervalReading r = reader.read(a);
  REQUIRE_FALSE(r.usable());
  REQUIRE(r.skip);
  CHECK(r.skip->kind == kind);
  CHECK(r.skip->message == message);
}
}  // namespace

TEST_CASE("a busy interval: requests summed over frontends, averages of the matching series, ms") {
  const IntervalReading r = reader.read(busy());
  REQUIRE(r.usable());
  CHECK_FALSE(r.skip);
  const Metrics& m = *r.metrics;
  CHECK(*m.num_req == 480.5);  // 300 + 180.5; other namespace and model left out
  CHECK(*m.ttft_ms == Approx(82.5).epsilon(1e-12));
  CHECK(*m.itl_ms == Approx(9.5).epsilon(1e-12));
  CHECK(*m.isl == 4000.0);
  CHECK(*m.osl == 150.0);
  CHECK(*m.request_duration_s == 1.5);
}

TEST_CASE("model names match ignoring case, namespaces exactly") {
  const FrontendMetricsReader r("QWEN/qwen3-0.6B", "dyn");
  CHECK(r.request_count(busy().num_req).value() == 480.5);
  const FrontendMetricsReader wrong_ns("Qwen/Qwen3-0.6B", "DYN");
  CHECK(wrong_ns.request_count(busy().num_req).error().message == "no data for model 'Qwen/Qwen3-0.6B' in dynamo_namespace 'DYN'");
  PrometheusSample no_model;
  no_model.labels = {{"dynamo_namespace", "dyn"}};
  CHECK_FALSE(reader.matches(no_model));
}

TEST_CASE("an idle interval is a valid observation of zero requests, its 0/0 averages unset") {
  FrontendAnswers a = busy();
  a.num_req = vec({{"qwen/qwen3-0.6b", "dyn", "0"}, {"qwen/qwen3-0.6b", "dyn", "0"}});
  a.ttft = vec({{"qwen/qwen3-0.6b", "dyn", "NaN"}});
  a.isl = vec({});  // no series at all: irrelevant when nothing was requested
  const IntervalReading r = reader.read(a);
  REQUIRE(r.usable());
  CHECK(*r.metrics->num_req == 0.0);
  CHECK_FALSE(r.metrics->ttft_ms);
  CHECK_FALSE(r.metrics->isl);
  CHECK_FALSE(r.metrics->request_duration_s);
}

TEST_CASE("missing request data skips the interval: demand unknown is not demand zero") {
  FrontendAnswers a = busy();
  a.num_req = vec({});
  check_skip(a, PrometheusErrorKind::no_data, "dynamo_frontend_requests_total: no data: the query matched no series");
  a.num_req = vec({{"llama", "dyn", "5"}});
  check_skip(a, PrometheusErrorKind::no_data,
             "dynamo_frontend_requests_total: no data for model 'Qwen/Qwen3-0.6B' in dynamo_namespace 'dyn'");
  a.num_req = vec({{"qwen/qwen3-0.6b", "dyn", "NaN"}});
  check_skip(a, PrometheusErrorKind::not_finite, "dynamo_frontend_requests_total: value is NaN");
  a.num_req = vec({{"qwen/qwen3-0.6b", "dyn", "NaN"}, {"qwen/qwen3-0.6b", "dyn", "4"}});  // NaN series left out
  CHECK(reader.request_count(a.num_req).value() == 4.0);
  a.num_req = PrometheusResponse::parse(R"({"status":"error","errorType":"timeout","error":"query timed out"})");
  check_skip(a, PrometheusErrorKind::error_status, "dynamo_frontend_requests_total: Prometheus error (timeout): query timed out");
  a.num_req = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"vector","result":[{"metric")");
  check_skip(a, PrometheusErrorKind::unparsable, "dynamo_frontend_requests_total: unparsable answer: truncated JSON (ends after 69 bytes)");
  a.num_req = PrometheusResponse::failure(PrometheusErrorKind::transport, "connection refused");
  check_skip(a, PrometheusErrorKind::transport, "dynamo_frontend_requests_total: connection refused");
  a.num_req = vec({{"qwen/qwen3-0.6b", "dyn", "-3"}});
  check_skip(a, PrometheusErrorKind::unexpected_shape, "dynamo_frontend_requests_total: negative value -3.000000");
  a.num_req = vec({{"qwen/qwen3-0.6b", "dyn", "+Inf"}});
  check_skip(a, PrometheusErrorKind::not_finite, "dynamo_frontend_requests_total: value is +Inf");
}

TEST_CASE("a busy interval with any average missing or NaN is skipped, naming the first one") {
  FrontendAnswers a = busy();
  a.ttft = vec({{"qwen/qwen3-0.6b", "dyn", "NaN"}});
  check_skip(a, PrometheusErrorKind::not_finite, "dynamo_frontend_time_to_first_token_seconds: value is NaN");
  a = busy();
  a.itl = vec({{"llama", "dyn", "0.01"}});
  check_skip(a, PrometheusErrorKind::no_data,
             "dynamo_frontend_inter_token_latency_seconds: no data for model 'Qwen/Qwen3-0.6B' in dynamo_namespace 'dyn'");
  a = busy();
  a.isl = PrometheusResponse::failure(PrometheusErrorKind::http_status, "HTTP 503");
  check_skip(a, PrometheusErrorKind::http_status, "dynamo_frontend_input_sequence_tokens: HTTP 503");
  a = busy();
  a.osl = vec({});
  check_skip(a, PrometheusErrorKind::no_data, "dynamo_frontend_output_sequence_tokens: no data: the query matched no series");
  a = busy();
  a.request_duration = FrontendAnswers{}.request_duration;  // never fetched
  check_skip(a, PrometheusErrorKind::no_data, "dynamo_frontend_request_duration_seconds: not queried");
}

TEST_CASE("bucket answers become one histogram of the deployment") {
  // two frontends' buckets for the same model (different case) are added; another model is ignored
  const auto r = vec({{"qwen/qwen3-0.6b", "dyn", "2", "1000"}, {"qwen/qwen3-0.6b", "dyn", "10", "+Inf"},
                      {"Qwen/Qwen3-0.6B", "dyn", "3", "4096"}, {"qwen/qwen3-0.6b", "dyn", "7", "4096"},
                      {"Qwen/Qwen3-0.6B", "dyn", "1", "1000"}, {"Qwen/Qwen3-0.6B", "dyn", "5", "+Inf"},
                      {"llama", "dyn", "99", "+Inf"}});
  PrometheusError why;
  const auto h = reader.histogram(r, why);
  REQUIRE(h);
  CHECK(h->upper_bounds == std::vector<double>{1000, 4096, HUGE_VAL});
  CHECK(h->cumulative_counts == std::vector<double>{3, 10, 15});
  CHECK(h->bucket_counts() == std::vector<double>{3, 7, 5});
  CHECK(h->total() == 15.0);
}

TEST_CASE("bad bucket answers say why") {
  PrometheusError why;
  CHECK_FALSE(reader.histogram(vec({{"qwen/qwen3-0.6b", "dyn", "2", "1000"}}), why));
  CHECK(why.kind == PrometheusErrorKind::no_data);
  CHECK(why.message == "no +Inf bucket");
  CHECK_FALSE(reader.histogram(vec({{"qwen/qwen3-0.6b", "dyn", "5", "10"}, {"qwen/qwen3-0.6b", "dyn", "4", "+Inf"}}), why));
  CHECK(why.kind == PrometheusErrorKind::unexpected_shape);
  CHECK(why.message == "bucket counts decrease at le=+Inf");
  CHECK_FALSE(reader.histogram(vec({{"qwen/qwen3-0.6b", "dyn", "5", "abc"}}), why));
  CHECK(why.message == "bucket label le=\"abc\" is not a number");
  CHECK_FALSE(reader.histogram(vec({{"qwen/qwen3-0.6b", "dyn", "NaN", "+Inf"}}), why));
  CHECK(why.message == "value is NaN");
  CHECK_FALSE(reader.histogram(vec({{"llama", "dyn", "5", "+Inf"}}), why));
  CHECK(why.message == "no data for model 'Qwen/Qwen3-0.6B' in dynamo_namespace 'dyn'");
  CHECK_FALSE(reader.histogram(vec({}), why));
  CHECK(why.message == "no data: the query matched no series");
}
