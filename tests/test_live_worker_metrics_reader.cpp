// WorkerMetricsReader: vLLM's per-engine gauges -> WorkerLoad, the deployment's selection, and every
// reason to skip a load tick.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sla_planner/live/worker_metrics_reader.hpp"

using namespace sla_planner;

namespace {
struct Series {
  std::string name, component, pod, value, model = "Qwen/Qwen3-0.6B", ns = "dyn";
};

PrometheusResponse vec(const std::vector<Series>& series) {
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)";
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    if (i) body += ",";
    body += R"({"metric":{"__name__":")" + s.name + R"(","model_name":")" + s.model + R"(","dynamo_namespace":")" +
            s.ns + R"(","dynamo_component":")" + s.component + R"(","pod":")" + s.pod + R"(","engine":"0"},"value":[1700000000,")" +
            s.value + "\"]}";
  }
  body += "]}}";
  return PrometheusResponse::parse(body);
}

const char* W = "vllm:num_requests_waiting";
const char* R = "vllm:num_requests_running";
const char* K = "vllm:kv_cache_usage_perc";

/// Two prefill engines and one decode engine of the deployment, plus one of another namespace.
WorkerAnswers fleet() {
  WorkerAnswers a;
  a.waiting = vec({{W, "prefill", "p0", "3"}, {W, "prefill", "p1", "0"}, {W, "backend", "d0", "1"},
                   {W, "backend", "x0", "9", "Qwen/Qwen3-0.6B", "other"}});
  a.running = vec({{R, "prefill", "p0", "1"}, {R, "prefill", "p1", "1"}, {R, "backend", "d0", "40"}});
  a.kv_usage = vec({{K, "prefill", "p0", "0.1"}, {K, "prefill", "p1", "0.05"}, {K, "backend", "d0", "0.625"},
                    {K, "backend", "x0", "0.99", "Qwen/Qwen3-0.6B", "other"}});
  return a;
}

const WorkerMetricsReader reader("qwen/qwen3-0.6b", "dyn");
}  // namespace

TEST_CASE("engines become WorkerLoad records in tokens") {
  const WorkerReading r = reader.read(fleet(), 4000, 160000);
  REQUIRE(r.usable());
  REQUIRE(r.prefill.size() == 2);
  REQUIRE(r.decode.size() == 1);
  CHECK(r.prefill_ids[0] == "dynamo_component=prefill,dynamo_namespace=dyn,engine=0,model_name=Qwen/Qwen3-0.6B,pod=p0");
  CHECK(r.prefill[0].queued_prefill_tokens == 12000.0);  // 3 waiting × ISL 4000
  CHECK(r.prefill[0].queued_requests == 3.0);
  CHECK(r.prefill[0].running_requests == 1.0);
  CHECK(r.prefill[1].queued_prefill_tokens == 0.0);
  CHECK(r.decode[0].scheduled_decode_kv_tokens == 100000.0);  // 0.625 × 160000
  CHECK(r.decode[0].queued_decode_kv_tokens == 4000.0);       // 1 waiting × ISL 4000
  CHECK(r.decode[0].running_requests == 40.0);
}

TEST_CASE("the kind label and its values can be changed") {
  const WorkerMetricsReader by_pod("Qwen/Qwen3-0.6B", "dyn", "pod", "p0", "d0");
  const WorkerReading r = by_pod.read(fleet(), 4000, 160000);
  REQUIRE(r.usable());
  CHECK(r.prefill.size() == 1);
  CHECK(r.decode.size() == 1);
}

TEST_CASE("missing or bad per-engine data skips the tick") {
  SECTION("no vLLM gauges at all") {
    WorkerAnswers a;
    a.waiting = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"vector","result":[]}})");
    const WorkerReading r = reader.read(a, 4000, 160000);
    REQUIRE(r.skip);
    CHECK(r.skip->kind == PrometheusErrorKind::no_data);
    CHECK(r.skip->message == "vllm:num_requests_waiting: no data: the query matched no series");
  }
  SECTION("Prometheus unreachable") {
    WorkerAnswers a = fleet();
    a.kv_usage = PrometheusResponse::failure(PrometheusErrorKind::transport, "connection refused");
    const WorkerReading r = reader.read(a, 4000, 160000);
    REQUIRE(r.skip);
    CHECK(r.skip->kind == PrometheusErrorKind::transport);
    CHECK(r.skip->message == "vllm:kv_cache_usage_perc: connection refused");
    CHECK(r.prefill.empty());
  }
  SECTION("no decode engine of this deployment") {
    WorkerAnswers a = fleet();
    a.waiting = vec({{W, "prefill", "p0", "0"}});
    a.running = vec({{R, "prefill", "p0", "1"}});
    a.kv_usage = vec({{K, "prefill", "p0", "0.1"}});
    const WorkerReading r = reader.read(a, 4000, 160000);
    REQUIRE(r.skip);
    CHECK(r.skip->message == "no engine with dynamo_component=\"backend\" for model_name 'qwen/qwen3-0.6b' in "
                             "dynamo_namespace 'dyn'");
  }
  SECTION("an engine without a KV gauge") {
    WorkerAnswers a = fleet();
    a.kv_usage = vec({{K, "prefill", "p0", "0.1"}, {K, "backend", "d0", "0.5"}});
    const WorkerReading r = reader.read(a, 4000, 160000);
    REQUIRE(r.skip);
    CHECK(r.skip->kind == PrometheusErrorKind::no_data);
    CHECK(r.skip->message.find("pod=p1}: no vllm:kv_cache_usage_perc") != std::string::npos);
  }
  SECTION("NaN, negative, above 1") {
    WorkerAnswers a = fleet();
    a.waiting = vec({{W, "prefill", "p0", "NaN"}});
    CHECK(reader.read(a, 4000, 160000).skip->kind == PrometheusErrorKind::not_finite);
    a = fleet();
    a.waiting = vec({{W, "prefill", "p0", "-1"}});
    CHECK(reader.read(a, 4000, 160000).skip->kind == PrometheusErrorKind::unexpected_shape);
    a = fleet();
    a.kv_usage = vec({{K, "backend", "d0", "62.5"}});
    CHECK(reader.read(a, 4000, 160000).skip->kind == PrometheusErrorKind::unexpected_shape);
  }
  SECTION("waiting requests before any input length is known") {
    const WorkerReading r = reader.read(fleet(), 0, 160000);
    REQUIRE(r.skip);
    CHECK(r.skip->message.find("no mean input length observed yet") != std::string::npos);
  }
  SECTION("an engine exporting no running gauge is still read") {
    WorkerAnswers a = fleet();
    a.running = PrometheusResponse::parse(R"({"status":"success","data":{"resultType":"vector","result":[]}})");
    const WorkerReading r = reader.read(a, 4000, 160000);
    REQUIRE(r.usable());
    CHECK(r.decode[0].running_requests == 0.0);
  }
}
