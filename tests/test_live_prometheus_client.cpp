// PrometheusClient against a local server that answers /api/v1/query like Prometheus: the query
// arrives decoded, answers are parsed, Prometheus error statuses, other HTTP errors, truncated
// bodies, time-outs and refused connections come back as typed errors; one interval end to end.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "live_test_server.hpp"
#include "sla_planner/live/frontend_metrics_reader.hpp"
#include "sla_planner/live/prometheus_client.hpp"

using namespace sla_planner;
using sla_planner::test::LocalServer;

namespace {
std::string one(const std::string& model, const std::string& value) {
  return R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"model":")" + model +
         R"(","dynamo_namespace":"dyn"},"value":[1700000000,")" + value + R"("]}]}})";
}
}  // namespace

TEST_CASE("queries arrive decoded on /api/v1/query and answers are parsed") {
  LocalServer s;
  std::vector<std::string> seen;
  s.server.Get("/api/v1/query", [&](const httplib::Request& req, httplib::Response& res) {
    seen.push_back(req.get_param_value("query"));
    res.set_content(one("m", "7"), "application/json");
  });
  s.start();
  PrometheusClient c(s.url() + "/");
  CHECK(c.base_url() == s.url());
  CHECK(c.query_url("up{job=\"a b\"}") == s.url() + "/api/v1/query?query=up%7Bjob%3D%22a%20b%22%7D");
  const PrometheusResponse r = c.query("sum by (model) (increase(x[60s])) / 2");
  REQUIRE(r.ok());
  CHECK(r.samples()[0].value == 7.0);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == "sum by (model) (increase(x[60s])) / 2");
}

TEST_CASE("one interval end to end: six queries, one Metrics") {
  LocalServer s;
  const FrontendQueries q(60);
  const std::map<std::string, std::string> answers = {
      {q.requests(), one("m", "120")},
      {q.average(FrontendHistogram::time_to_first_token), one("m", "0.08")},
      {q.average(FrontendHistogram::inter_token_latency), one("m", "0.01")},
      {q.average(FrontendHistogram::input_tokens), one("m", "4000")},
      {q.average(FrontendHistogram::output_tokens), one("m", "150")},
      {q.average(FrontendHistogram::request_duration), one("m", "2.5")},
  };
  std::vector<std::string> order;
  s.server.Get("/api/v1/query", [&](const httplib::Request& req, httplib::Response& res) {
    const std::string query = req.get_param_value("query");
    order.push_back(query);
    const auto it = answers.find(query);
    if (it == answers.end()) {
      res.status = 400;
      res.set_content(R"({"status":"error","errorType":"bad_data","error":"unexpected query"})", "application/json");
      return;
    }
    res.set_content(it->second, "application/json");
  });
  s.start();
  PrometheusClient c(s.url());
  const IntervalReading r = FrontendMetricsReader("M", "dyn").read(c.fetch_frontend(q));
  REQUIRE(r.usable());
  CHECK(*r.metrics->num_req == 120.0);
  CHECK(*r.metrics->ttft_ms == Approx(80.0).epsilon(1e-12));
  CHECK(*r.metrics->itl_ms == Approx(10.0).epsilon(1e-12));
  CHECK(*r.metrics->isl == 4000.0);
  CHECK(*r.metrics->osl == 150.0);
  CHECK(*r.metrics->request_duration_s == 2.5);
  CHECK(order.size() == 6);
  CHECK(order[0] == "increase(dynamo_frontend_requests_total[60s])");
}

TEST_CASE("HTTP errors, Prometheus errors and bad bodies are typed errors") {
  LocalServer s;
  s.server.Get("/api/v1/query", [](const httplib::Request& req, httplib::Response& res) {
    const std::string query = req.get_param_value("query");
    if (query == "bad") {
      res.status = 400;
      res.set_content(R"({"status":"error","errorType":"bad_data","error":"1:4: parse error"})", "application/json");
    } else if (query == "boom") {
      res.status = 500;
      res.set_content("internal\nerror", "text/plain");
    } else if (query == "empty500") {
      res.status = 500;
    } else if (query == "truncated") {
      res.set_content(R"({"status":"success","data":{"resultType":"vector","result":[{"me)", "application/json");
    } else if (query == "nan") {
      res.set_content(one("m", "NaN"), "application/json");
    } else if (query == "none") {
      res.set_content(R"({"status":"success","data":{"resultType":"vector","result":[]}})", "application/json");
    } else if (query == "slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(1200));
      res.set_content(one("m", "1"), "application/json");
    }
  });
  s.start();
  HttpOptions o;
  o.total_timeout_s = 0.3;
  PrometheusClient c(s.url(), o);

  auto check = [&](const std::string& query, PrometheusErrorKind kind, const std::string& message) {
    INFO(query);
    const PrometheusResponse r = c.query(query);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == kind);
    CHECK(r.error().message == message);
  };
  check("bad", PrometheusErrorKind::error_status, "HTTP 400: Prometheus error (bad_data): 1:4: parse error");
  check("boom", PrometheusErrorKind::http_status, "HTTP 500 from " + s.url() + ": internal error");
  check("empty500", PrometheusErrorKind::http_status, "HTTP 500 from " + s.url());
  check("truncated", PrometheusErrorKind::unparsable, "unparsable answer: truncated JSON (ends after 64 bytes)");
  check("none", PrometheusErrorKind::no_data, "no data: the query matched no series");
  CHECK(c.query("nan").single_value().error().message == "value is NaN");

  const PrometheusResponse slow = c.query("slow");
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.error().kind == PrometheusErrorKind::transport);
  CHECK(slow.error().message.rfind("GET " + c.query_url("slow") + ": Operation timed out after ", 0) == 0);
}

TEST_CASE("an unreachable Prometheus: one transport error, the other queries not sent") {
  int port = 0;
  {
    LocalServer gone;
    port = gone.port();
  }
  PrometheusClient c("http://127.0.0.1:" + std::to_string(port));
  const FrontendAnswers a = c.fetch_frontend(FrontendQueries(30));
  REQUIRE_FALSE(a.num_req.ok());
  CHECK(a.num_req.error().kind == PrometheusErrorKind::transport);
  CHECK(a.ttft.error().message == "not queried");
  const IntervalReading r = FrontendMetricsReader("m", "dyn").read(a);
  REQUIRE(r.skip);
  CHECK(r.skip->kind == PrometheusErrorKind::transport);
  CHECK(r.skip->message.rfind("dynamo_frontend_requests_total: GET http://127.0.0.1:" + std::to_string(port) +
                                  "/api/v1/query?query=increase%28dynamo_frontend_requests_total%5B30s%5D%29: ",
                              0) == 0);
}

TEST_CASE("the endpoint must be an http(s) URL") {
  CHECK_THROWS_WITH(PrometheusClient("localhost:9090"),
                    "'metric_pulling_prometheus_endpoint' must start with http:// or https://, got 'localhost:9090'");
}
