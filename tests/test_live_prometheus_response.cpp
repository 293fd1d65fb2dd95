// PrometheusResponse: instant-query answers of Prometheus's /api/v1/query (vector, scalar, error),
// special values, and every way a body can be unusable, with the exact one-line messages.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "sla_planner/live/prometheus_response.hpp"

using namespace sla_planner;

namespace {
void check_error(const std::string& body, PrometheusErrorKind kind, const std::string& message) {
  INFO(body);
  const auto r = PrometheusResponse::parse(body);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == kind);
  CHECK(r.error().message == message);
  CHECK(r.samples().empty());
}
}  // namespace

TEST_CASE("a vector answer gives one sample per series with labels, time and value") {
  const std::string body = R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"__name__":"dynamo_frontend_requests_total","model":"Qwen/Qwen3-0.6B","dynamo_namespace":"ns"},
     "value":[1700000000.5,"42"]},
    {"metric":{"model":"other"},"value":[1700000000.5,"1.25e+02"]}]}})";
  const auto r = PrometheusResponse::parse(body);
  REQUIRE(r.ok());
  CHECK(r.result_type() == "vector");
  REQUIRE(r.samples().size() == 2);
  CHECK(r.samples()[0].label("model") == "Qwen/Qwen3-0.6B");
  CHECK(r.samples()[0].label("dynamo_namespace") == "ns");
  CHECK(r.samples()[0].label("absent") == "");
  CHECK(r.samples()[0].labels.size() == 3);
  CHECK(r.samples()[0].timestamp == 1700000000.5);
  CHECK(r.samples()[0].value == 42.0);
  CHECK(r.samples()[1].value == 125.0);
  CHECK(r.warnings().empty());
  // two series: single_value() refuses to pick one
  CHECK_FALSE(r.single_value().ok());
  CHECK(r.single_value().error().kind == PrometheusErrorKind::unexpected_shape);
  CHECK(r.single_value().error().message == "expected one series, got 2");
}

TEST_CASE("a scalar answer is one sample without labels") {
  const auto r = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"scalar","result":[12,"0.003"]}})");
  REQUIRE(r.ok());
  CHECK(r.result_type() == "scalar");
  REQUIRE(r.samples().size() == 1);
  CHECK(r.samples()[0].labels.empty());
  CHECK(r.samples()[0].timestamp == 12.0);
  REQUIRE(r.single_value().ok());
  CHECK(r.single_value().value() == 0.003);
}

TEST_CASE("NaN, +Inf and -Inf are kept per series; single_value reports them as not finite") {
  const auto r = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"a":"1"},"value":[1,"NaN"]},{"metric":{"a":"2"},"value":[1,"+Inf"]},
    {"metric":{"a":"3"},"value":[1,"-Inf"]},{"metric":{},"value":[1,"-0.5"]}]}})");
  REQUIRE(r.ok());
  REQUIRE(r.samples().size() == 4);
  CHECK(std::isnan(r.samples()[0].value));
  CHECK(r.samples()[1].value == HUGE_VAL);
  CHECK(r.samples()[2].value == -HUGE_VAL);
  CHECK(r.samples()[3].value == -0.5);

  const auto nan = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}})");
  REQUIRE(nan.ok());
  CHECK(nan.single_value().error().kind == PrometheusErrorKind::not_finite);
  CHECK(nan.single_value().error().message == "value is NaN");
  CHECK(PrometheusResponse::finite_value(HUGE_VAL).error().message == "value is +Inf");
  CHECK(PrometheusResponse::finite_value(-HUGE_VAL).error().message == "value is -Inf");
  CHECK(PrometheusResponse::finite_value(2.5).value() == 2.5);
}

TEST_CASE("warnings are kept") {
  const auto r = PrometheusResponse::parse(
      R"({"status":"success","warnings":["PromQL info: x"],"data":{"resultType":"scalar","result":[1,"1"]}})");
  REQUIRE(r.ok());
  CHECK(r.warnings() == std::vector<std::string>{"PromQL info: x"});
}

TEST_CASE("an empty result is no data") {
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[]}})", PrometheusErrorKind::no_data,
              "no data: the query matched no series");
  const auto r = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  CHECK(r.single_value().error().kind == PrometheusErrorKind::no_data);
  CHECK(std::string(to_string(r.error().kind)) == "no_data");
}

TEST_CASE("an error status names Prometheus's error type and message") {
  check_error(R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:9: parse error"})",
              PrometheusErrorKind::error_status,
              "Prometheus error (bad_data): invalid parameter \"query\": 1:9: parse error");
  check_error(R"({"status":"error"})", PrometheusErrorKind::error_status, "Prometheus error (unknown type): no message");
  check_error("{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"line1\\nline2\"}", PrometheusErrorKind::error_status,
              "Prometheus error (timeout): line1 line2");
}

TEST_CASE("empty, truncated and non-JSON bodies are unparsable") {
  check_error("", PrometheusErrorKind::unparsable, "unparsable answer: empty body");
  check_error(" \n", PrometheusErrorKind::unparsable, "unparsable answer: empty body");
  check_error(R"({"status":"success","data":{"resultType":"vec)", PrometheusErrorKind::unparsable,
              "unparsable answer: truncated JSON (ends after 45 bytes)");
  check_error("<html>502 Bad Gateway</html>", PrometheusErrorKind::unparsable, "unparsable answer: invalid JSON at byte 1");
  // nlohmann reads "tr" as the start of the literal true and stops at the "a" (byte 24, 1-based)
  check_error(R"({"status":"success"} trailing)", PrometheusErrorKind::unparsable, "unparsable answer: invalid JSON at byte 24");
}

TEST_CASE("valid JSON of the wrong shape names what is wrong") {
  using K = PrometheusErrorKind;
  check_error("[1,2]", K::unexpected_shape, "unexpected answer: the answer is not a JSON object");
  check_error("{}", K::unexpected_shape, "unexpected answer: no \"status\" string");
  check_error(R"({"status":"ok"})", K::unexpected_shape,
              "unexpected answer: \"status\" is \"ok\", expected \"success\" or \"error\"");
  check_error(R"({"status":"success"})", K::unexpected_shape, "unexpected answer: no \"data\" object");
  check_error(R"({"status":"success","data":{"result":[]}})", K::unexpected_shape,
              "unexpected answer: no \"data.resultType\" string");
  check_error(R"({"status":"success","data":{"resultType":"vector"}})", K::unexpected_shape,
              "unexpected answer: no \"data.result\"");
  check_error(R"({"status":"success","data":{"resultType":"matrix","result":[]}})", K::unexpected_shape,
              "unexpected answer: resultType \"matrix\" is not supported (expected \"vector\" or \"scalar\")");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":{}}})", K::unexpected_shape,
              "unexpected answer: \"data.result\" is not an array");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]},7]}})",
              K::unexpected_shape, "unexpected answer: \"data.result[1]\" is not an object");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"model":3},"value":[1,"1"]}]}})",
              K::unexpected_shape, "unexpected answer: label \"model\" of \"data.result[0]\" is not a string");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":[],"value":[1,"1"]}]}})",
              K::unexpected_shape, "unexpected answer: \"data.result[0].metric\" is not an object");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})", K::unexpected_shape,
              "unexpected answer: \"data.result[0]\" has no \"value\"");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1]}]}})", K::unexpected_shape,
              "unexpected answer: \"data.result[0].value\" is not a [timestamp, \"value\"] pair");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[{"value":["1","2"]}]}})", K::unexpected_shape,
              "unexpected answer: \"data.result[0].value\" has a non-numeric timestamp");
  check_error(R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,2]}]}})", K::unexpected_shape,
              "unexpected answer: \"data.result[0].value\" has a value that is not a string");
  check_error(R"({"status":"success","data":{"resultType":"scalar","result":[1,"nan"]}})", K::unexpected_shape,
              "unexpected answer: \"data.result\" has value \"nan\", which is not a number");
  check_error(R"({"status":"success","data":{"resultType":"scalar","result":[1,"12abc"]}})", K::unexpected_shape,
              "unexpected answer: \"data.result\" has value \"12abc\", which is not a number");
  check_error(R"({"status":"success","data":{"resultType":"scalar","result":[1,""]}})", K::unexpected_shape,
              "unexpected answer: \"data.result\" has value \"\", which is not a number");
}

TEST_CASE("sample values: decimals, exponents, overflow and underflow") {
  auto value = [](const std::string& text) {
    const auto r = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"scalar","result":[1,")" + text + "\"]}}");
    REQUIRE(r.ok());
    return r.samples()[0].value;
  };
  CHECK(value("0") == 0.0);
  CHECK(value("17.25") == 17.25);
  CHECK(value("-3") == -3.0);
  CHECK(value("1e-3") == 0.001);
  CHECK(value("2.5E+2") == 250.0);
  CHECK(value("1e400") == HUGE_VAL);
  CHECK(value("-1e400") == -HUGE_VAL);
  CHECK(value("1e-400") == 0.0);
  CHECK(value("Inf") == HUGE_VAL);
}

TEST_CASE("a failure made before parsing carries its kind and message") {
  const auto r = PrometheusResponse::failure(PrometheusErrorKind::transport, "connection refused");
  CHECK_FALSE(r.ok());
  CHECK(r.error().kind == PrometheusErrorKind::transport);
  CHECK(r.single_value().error().message == "connection refused");
}
