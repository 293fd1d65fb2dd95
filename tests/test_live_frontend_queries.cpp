// FrontendQueries: the exact PromQL strings Dynamo's planner sends for its frontend metrics.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "sla_planner/live/frontend_queries.hpp"

using namespace sla_planner;

TEST_CASE("requests and averages over a whole-second interval") {
  const FrontendQueries q(60);
  CHECK(q.range() == "60s");
  CHECK(q.requests() == "increase(dynamo_frontend_requests_total[60s])");
  CHECK(q.average(FrontendHistogram::time_to_first_token) ==
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_time_to_first_token_seconds_sum[60s])) / "
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_time_to_first_token_seconds_count[60s]))");
  CHECK(q.average(FrontendHistogram::inter_token_latency) ==
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_inter_token_latency_seconds_sum[60s])) / "
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_inter_token_latency_seconds_count[60s]))");
  CHECK(q.average(FrontendHistogram::request_duration) ==
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_request_duration_seconds_sum[60s])) / "
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_request_duration_seconds_count[60s]))");
  CHECK(q.average(FrontendHistogram::input_tokens) ==
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_input_sequence_tokens_sum[60s])) / "
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_input_sequence_tokens_count[60s]))");
  CHECK(q.average(FrontendHistogram::output_tokens) ==
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_output_sequence_tokens_sum[60s])) / "
        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_output_sequence_tokens_count[60s]))");
}

TEST_CASE("bucket queries keep le, model and namespace") {
  const FrontendQueries q(180);
  CHECK(q.buckets(FrontendHistogram::input_tokens) ==
        "sum by (le, model, dynamo_namespace) (increase(dynamo_frontend_input_sequence_tokens_bucket[180s]))");
  CHECK(q.buckets(FrontendHistogram::output_tokens) ==
        "sum by (le, model, dynamo_namespace) (increase(dynamo_frontend_output_sequence_tokens_bucket[180s]))");
}

TEST_CASE("interval formatting: whole seconds, milliseconds, and bad values") {
  CHECK(FrontendQueries::format_range(1) == "1s");
  CHECK(FrontendQueries::format_range(1.5) == "1500ms");
  CHECK(FrontendQueries::format_range(0.25) == "250ms");
  CHECK(FrontendQueries::format_range(0.001) == "1ms");
  CHECK(FrontendQueries::format_range(2.0004) == "2s");  // rounded to whole milliseconds
  CHECK(FrontendQueries(7.5).requests() == "increase(dynamo_frontend_requests_total[7500ms])");
  CHECK_THROWS_WITH(FrontendQueries(0), "'adjustment_interval' must be a number of seconds in [0.001, 1e9], got 0.000000");
  CHECK_THROWS_AS(FrontendQueries(-5), std::invalid_argument);
  CHECK_THROWS_AS(FrontendQueries(std::nan("")), std::invalid_argument);
}
