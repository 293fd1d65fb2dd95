// The scenarios of the reference planner's replica tests (tests/planner/test_replica_calculation.py
// in ai-dynamo/dynamo), with the assertions those tests meant to make, plus the cases they missed.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "sla_planner/planner/replica_calculator.hpp"

using namespace sla_planner;

namespace {
PlannerConfig reference_config() {
  PlannerConfig c;
  c.adjustment_interval_s = 60;
  c.ttft_ms = 80;
  c.itl_ms = 10;
  c.max_gpu_budget = 10;
  c.load_predictor = PredictorKind::Constant;
  return c;
}
}  // namespace

TEST_CASE("basic prefill: 10 requests in 60 s at ISL 3000 with 40k tok/s/GPU -> 1") {
  ReplicaCalculator calc(reference_config());
  const auto r = calc.compute(10, 3000, 150, 40000, 10000);
  CHECK(r.prefill_tokens_per_s == Approx(500.0));
  CHECK(r.num_prefill == 1);
  CHECK(r.notes.at(0) == "Prefill calculation: 500.00(p_thpt) / 40000.00(p_engine_cap) = 1(num_p)");
}

TEST_CASE("basic decode: 10 requests, OSL 150, 10k tok/s/GPU -> 1") {
  ReplicaCalculator calc(reference_config());
  const auto r = calc.compute(10, 3000, 150, 40000, 10000);
  CHECK(r.decode_tokens_per_s == Approx(25.0));
  CHECK(r.num_decode == 1);
  CHECK(r.notes.at(1) == "Decode calculation: 25.00(d_thpt) / 10000.00(d_engine_cap) = 1(num_d)");
}

TEST_CASE("low and high load") {
  ReplicaCalculator calc(reference_config());
  auto low = calc.compute(10, 3000, 150, 40000, 10000);
  CHECK(low.num_prefill == 1);
  CHECK(low.num_decode == 1);
  auto high = calc.compute(500, 3000, 150, 40000, 1000);  // decode 1250 tok/s over 1000 -> 2
  CHECK(high.num_prefill == 1);
  CHECK(high.num_decode == 2);
  auto unbounded = reference_config();
  unbounded.max_gpu_budget = -1;
  auto higher = ReplicaCalculator(unbounded).compute(5000, 3000, 150, 40000, 1000);  // 250k/40k -> 7, 12.5k/1k -> 13
  CHECK(higher.num_prefill == 7);
  CHECK(higher.num_decode == 13);
}

TEST_CASE("GPU budget 3") {
  auto c = reference_config();
  c.max_gpu_budget = 3;
  ReplicaCalculator calc(c);
  auto r = calc.compute(50, 3000, 150, 40000, 10000);  // 1P1D fits
  CHECK(r.num_prefill == 1);
  CHECK(r.num_decode == 1);
  CHECK_FALSE(r.budget_limited);
  r = calc.compute(5000, 3000, 150, 40000, 1000);  // wants 7P13D = 20 GPUs
  CHECK(r.budget_limited);
  // scale 3/20: prefill max(1, floor(1.05)) = 1; decode floor((3-1)/1) = 2
  CHECK(r.num_prefill == 1);
  CHECK(r.num_decode == 2);
  CHECK(r.notes.back() ==
        "Total number of GPUs required (20) exceeds the max GPU budget (3), scaling down to 1 prefill and 2 decode replicas");
}

TEST_CASE("min_endpoint 2 lifts both counts") {
  auto c = reference_config();
  c.min_endpoint = 2;
  ReplicaCalculator calc(c);
  const auto r = calc.compute(1, 100, 10, 40000, 10000);
  CHECK(r.num_prefill == 2);
  CHECK(r.num_decode == 2);
}

TEST_CASE("a prefill correction factor above 1 is clamped to 1") {
  ReplicaCalculator calc(reference_config());
  // 1000 requests: 50000 tok/s over 40000 -> 2; unclamped 2.5 would give ceil(3.125) = 4
  CHECK(calc.compute(1000, 3000, 150, 40000, 10000, 2.5).num_prefill == 2);
  CHECK(calc.compute(1000, 3000, 150, 40000, 10000, 1.0).num_prefill == 2);
  // below 1 it applies: 50000 * 0.5 / 40000 -> 1
  CHECK(calc.compute(1000, 3000, 150, 40000, 10000, 0.5).num_prefill == 1);
}

TEST_CASE("decode correction factor 0 and -1 leave the ITL target as is") {
  CHECK(ReplicaCalculator::corrected_itl(10.0, 0.0) == 10.0);
  CHECK(ReplicaCalculator::corrected_itl(10.0, -1.0) == 10.0);
  CHECK(ReplicaCalculator::corrected_itl(10.0, std::nan("")) == 10.0);
  CHECK(ReplicaCalculator::corrected_itl(10.0, 2.0) == 5.0);
  CHECK(ReplicaCalculator::corrected_itl(10.0, 0.5) == 20.0);
}

TEST_CASE("multi-GPU engines: 2-GPU prefill, 4-GPU decode") {
  auto c = reference_config();
  c.prefill_engine_num_gpu = 2;
  c.decode_engine_num_gpu = 4;
  c.max_gpu_budget = -1;
  ReplicaCalculator calc(c);
  auto r = calc.compute(20, 3000, 150, 40000, 5000);
  CHECK(r.num_prefill == 1);  // ceil(1000 / 40000 / 2)
  CHECK(r.num_decode == 1);   // ceil(50 / 5000 / 4)
  CHECK(r.prefill_engine_capacity == 80000);
  CHECK(r.decode_engine_capacity == 20000);
  r = calc.compute(2000, 3000, 150, 40000, 5000);
  CHECK(r.num_prefill == 2);  // ceil(100000 / 40000 / 2) = ceil(1.25)
  CHECK(r.num_decode == 1);   // ceil(5000 / 5000 / 4) = ceil(0.25)
  r = calc.compute(20000, 3000, 150, 40000, 5000);
  CHECK(r.num_prefill == 13);  // ceil(1e6 / 40000 / 2) = ceil(12.5)
  CHECK(r.num_decode == 3);    // ceil(50000 / 5000 / 4) = ceil(2.5)
}

TEST_CASE("budget 5 with 2-GPU engines") {
  auto c = reference_config();
  c.max_gpu_budget = 5;
  c.prefill_engine_num_gpu = 2;
  c.decode_engine_num_gpu = 2;
  ReplicaCalculator calc(c);
  auto r = calc.compute(100, 3000, 150, 10000, 1000);  // 1P1D = 4 GPUs
  CHECK(r.num_prefill == 1);
  CHECK(r.num_decode == 1);
  r = calc.compute(1000, 3000, 150, 10000, 1000);  // 3P (6 GPUs) + 2D (4 GPUs) = 10 > 5
  CHECK(r.budget_limited);
  CHECK(r.num_prefill == 1);  // max(1, floor(3 * 0.5)) = 1
  CHECK(r.num_decode == 1);   // floor((5 - 2) / 2) = 1
  CHECK(c.gpus(r.num_prefill, r.num_decode) <= 5);
}

TEST_CASE("the budget cap keeps room for min_endpoint decode engines") {
  auto c = reference_config();
  c.max_gpu_budget = 8;
  c.prefill_engine_num_gpu = 1;
  c.decode_engine_num_gpu = 2;
  c.min_endpoint = 2;
  ReplicaCalculator calc(c);
  // 20 prefill + 2 decode (4 GPUs) = 24 GPUs; scale 1/3 -> floor(6.67) = 6 prefill, but only
  // 8 - 2*2 = 4 prefill GPUs leave room for 2 decode engines.
  auto r = calc.compute(0, 3000, 150, 40000, 10000);
  r.num_prefill = 20;
  r.num_decode = 2;
  calc.apply_budget(r);
  CHECK(r.num_prefill == 4);
  CHECK(r.num_decode == 2);
}

TEST_CASE("idle interval, NaN and zero throughput never divide by zero") {
  ReplicaCalculator calc(reference_config());
  auto r = calc.compute(0, 3000, 150, 40000, 10000);
  CHECK(r.num_prefill == 1);
  CHECK(r.num_decode == 1);
  r = calc.compute(std::nan(""), std::nan(""), -4, 40000, 10000);
  CHECK(r.num_prefill == 1);
  CHECK(r.num_decode == 1);
  CHECK(r.notes.at(0) == "predicted num_req nan is not a non-negative number; using 0");
  r = calc.compute(100, 3000, 150, 0.0, -5.0);
  CHECK(r.num_prefill == 1);
  CHECK(r.num_decode == 1);
  CHECK(r.notes.at(0) == "Prefill calculation: throughput/GPU 0 is not positive; using min_endpoint");
  CHECK(r.notes.at(1) ==
        "Decode calculation: throughput/GPU -5 is not positive (no profiled point meets the ITL); using min_endpoint");
  r = calc.compute(100, 3000, 150, std::nan(""), std::numeric_limits<double>::infinity());
  CHECK(r.num_prefill == 1);
  CHECK(r.num_decode == 1);
  r = calc.compute(1e300, 3000, 150, 40000, 10000);  // absurd forecast: capped, then budget
  CHECK(r.budget_limited);
  CHECK(r.num_prefill + r.num_decode <= 10);
}

TEST_CASE("property: budget never exceeded, min_endpoint held, monotone in load (100,000 cases)") {
  std::mt19937_64 rng(20261127);
  std::uniform_int_distribution<int> gpu(1, 8), minep(1, 3), coin(0, 1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  long cases = 0, limited = 0;
  for (int i = 0; i < 100000; ++i) {
    PlannerConfig c;
    c.prefill_engine_num_gpu = gpu(rng);
    c.decode_engine_num_gpu = gpu(rng);
    c.min_endpoint = minep(rng);
    c.adjustment_interval_s = 1 + u(rng) * 600;
    const long long need = c.gpus(c.min_endpoint, c.min_endpoint);
    c.max_gpu_budget = coin(rng) ? -1 : static_cast<int>(need + static_cast<long long>(u(rng) * 64));
    ReplicaCalculator calc(c);
    const double num_req = std::pow(10.0, u(rng) * 7) - 1;  // 0 .. 1e7
    const double isl = 1 + u(rng) * 100000, osl = 1 + u(rng) * 5000;
    const double pt = std::pow(10.0, u(rng) * 6), dt = std::pow(10.0, u(rng) * 5);
    const double cf = u(rng) * 3;
    const auto r = calc.compute(num_req, isl, osl, pt, dt, cf);
    REQUIRE(r.num_prefill >= c.min_endpoint);
    REQUIRE(r.num_decode >= c.min_endpoint);
    if (c.has_budget()) REQUIRE(c.gpus(r.num_prefill, r.num_decode) <= c.max_gpu_budget);
    limited += r.budget_limited;
    if (!c.has_budget()) {
      const auto more = calc.compute(num_req * (1 + u(rng)) + u(rng), isl, osl, pt, dt, cf);
      REQUIRE(more.num_prefill >= r.num_prefill);
      REQUIRE(more.num_decode >= r.num_decode);
    }
    ++cases;
  }
  CHECK(cases == 100000);
  CHECK(limited > 1000);  // the budget branch was exercised
}
