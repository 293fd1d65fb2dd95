// ThroughputPolicy: the throughput rules (BasicPlanner) behind the PlanningPolicy interface give
// the BasicPlanner's decisions, field by field and note by note.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "sla_planner/planner/throughput_policy.hpp"

using namespace sla_planner;

namespace {
struct CurvedPerf {
  double prefill_ttft_ms(double isl) const { return 20.0 + isl / 50.0; }
  double prefill_thpt_per_gpu(double isl) const { return 50000.0 - isl; }
  double decode_itl_ms(double concurrency, double context) const { return 4.0 + 0.05 * concurrency + context / 2000.0; }
  DecodeOperatingPoint decode_best(double itl, double context) const {
    return {std::max(0.0, 1000.0 * (itl - 4.0) - context / 10.0), itl, 0.3};
  }
};

PlannerConfig config(const char* predictor) {
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  c.adjustment_interval_s = 60;
  c.max_gpu_budget = 12;
  c.load_predictor = parse_predictor_kind(predictor);
  return c;
}

/// A sinusoid-like load with an idle interval and a missing TTFT, as a replay would observe it.
FleetObservation interval(int k, WorkerCounts fleet) {
  FleetObservation o;
  o.start_s = 60.0 * k;
  o.duration_s = 60;
  o.num_req = k == 7 ? 0 : 300 + 250 * std::sin(k / 3.0);
  if (o.num_req > 0) {
    o.mean_isl = 3000 + 10 * k;
    o.mean_osl = 300 - k;
    if (k != 4) o.ttft_ms = 150 + 5 * k;
    o.itl_ms = 9 + 0.1 * k;
    o.request_duration_s = 4 + 0.01 * k;
  }
  o.deployed = o.ready = fleet;
  return o;
}

void same(const Decision& a, const Decision& b) {
  CHECK(a.num_prefill == b.num_prefill);
  CHECK(a.num_decode == b.num_decode);
  CHECK(a.gpus == b.gpus);
  CHECK(a.predicted_num_req == b.predicted_num_req);
  CHECK(a.predicted_isl == b.predicted_isl);
  CHECK(a.predicted_osl == b.predicted_osl);
  CHECK(a.prefill_correction == b.prefill_correction);
  CHECK(a.decode_correction == b.decode_correction);
  CHECK(a.corrected_itl_ms == b.corrected_itl_ms);
  CHECK(a.prefill_tokens_per_s == b.prefill_tokens_per_s);
  CHECK(a.decode_tokens_per_s == b.decode_tokens_per_s);
  CHECK(a.budget_limited == b.budget_limited);
  CHECK(a.notes == b.notes);
}
}  // namespace

TEST_CASE("throughput policy decides exactly as the BasicPlanner it wraps") {
  for (const char* predictor : {"constant", "arima", "kalman"}) {
    BasicPlanner<CurvedPerf> direct(config(predictor), CurvedPerf{});
    std::unique_ptr<PlanningPolicy> policy = std::make_unique<ThroughputPolicy<CurvedPerf>>(config(predictor), CurvedPerf{});
    CHECK(policy->name() == "throughput");
    CHECK(policy->tick_interval_s() == 60.0);
    CHECK_FALSE(policy->wants_worker_loads());
    WorkerCounts fleet{1, 1};
    for (int k = 0; k < 30; ++k) {
      const FleetObservation o = interval(k, fleet);
      direct.observe(o.to_metrics());
      const Decision want = direct.plan(fleet);
      const Decision got = policy->decide(o);
      same(got, want);
      fleet = {got.num_prefill, got.num_decode};
    }
  }
}
