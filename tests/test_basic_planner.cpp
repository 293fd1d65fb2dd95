// The planning loop with a fixed-number performance model, as the reference tests mock the
// interpolators; plus the cases the reference got wrong (idle intervals, NaN, divide by zero) and
// the policies beyond it (patience, change cap, safety check).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <random>

#include "sla_planner/planner/basic_planner.hpp"

using namespace sla_planner;

namespace {
struct FixedPerf {
  double ttft = 80.0, prefill_thpt = 40000.0, decode_thpt = 10000.0;
  std::function<double(double)> itl_of_concurrency = [](double) { return 10.0; };
  // What the planner asked, for assertions.
  mutable double asked_itl = -1, asked_context = -1, asked_concurrency = -1;

  double prefill_ttft_ms(double) const { return ttft; }
  double prefill_thpt_per_gpu(double) const { return prefill_thpt; }
  double decode_itl_ms(double concurrency, double context) const {
    asked_concurrency = concurrency;
    asked_context = context;
    return itl_of_concurrency(concurrency);
  }
  DecodeOperatingPoint decode_best(double itl, double context) const {
    asked_itl = itl;
    asked_context = context;
    return {decode_thpt, itl, 0.5};
  }
};

PlannerConfig ref_config() {
  PlannerConfig c;
  c.adjustment_interval_s = 60;
  c.ttft_ms = 80;
  c.itl_ms = 10;
  c.max_gpu_budget = 10;
  c.load_predictor = PredictorKind::Constant;
  c.load_prediction_window_size = 10;
  return c;
}

Metrics m(double n, double isl = 3000, double osl = 150, double ttft = 80, double itl = 10, double dur = 100) {
  Metrics x;
  x.num_req = n;
  x.isl = isl;
  x.osl = osl;
  x.ttft_ms = ttft;
  x.itl_ms = itl;
  x.request_duration_s = dur;
  return x;
}
}  // namespace

TEST_CASE("reference flow: observe, correct, predict, compute") {
  BasicPlanner<FixedPerf> p(ref_config(), FixedPerf{});
  p.observe(m(10));
  const Decision d = p.plan({1, 1});
  CHECK(d.num_prefill == 1);
  CHECK(d.num_decode == 1);
  CHECK(d.predicted_num_req == 10);
  CHECK(d.predicted_isl == 3000);
  CHECK(d.predicted_osl == 150);
  CHECK(d.prefill_correction == 1.0);
  CHECK(d.decode_correction == 1.0);
  CHECK(d.prefill_engine_capacity == 40000);
  CHECK(d.gpus == 2);
  CHECK(p.perf().asked_context == 3075);
  // "Prefill calculation: …" as the Python planner logs it.
  CHECK(std::find(d.notes.begin(), d.notes.end(),
                  "Prefill calculation: 500.00(p_thpt) / 40000.00(p_engine_cap) = 1(num_p)") != d.notes.end());
  CHECK(std::find(d.notes.begin(), d.notes.end(), "Correction factors: TTFT: 1.000, ITL: 1.000") != d.notes.end());
}

TEST_CASE("correction factors: observed / interpolated, at the reference's concurrency") {
  BasicPlanner<FixedPerf> p(ref_config(), FixedPerf{});
  p.observe(m(10, 3000, 150, /*ttft*/ 40, /*itl*/ 20, /*duration*/ 100));
  const Decision d = p.plan({1, 2});
  CHECK(d.prefill_correction == Approx(0.5));
  CHECK(d.decode_correction == Approx(2.0));
  CHECK(d.corrected_itl_ms == Approx(5.0));
  CHECK(p.perf().asked_itl == Approx(5.0));
  // concurrency = num_req / decode workers * duration / interval = 10 / 2 * 100 / 60
  CHECK(p.perf().asked_concurrency == Approx(10.0 / 2 * 100 / 60));
}

TEST_CASE("correction factors never divide by zero; the previous factor is kept and explained") {
  FixedPerf perf;
  BasicPlanner<FixedPerf> p(ref_config(), perf);
  p.observe(m(10, 3000, 150, 40, 20, 100));
  p.plan({1, 1});
  REQUIRE(p.prefill_correction() == Approx(0.5));
  REQUIRE(p.decode_correction() == Approx(2.0));

  p.observe(m(10, 3000, 150, /*ttft*/ 0, /*itl*/ std::nan(""), 100));
  Decision d = p.plan({1, 1});
  CHECK(d.prefill_correction == Approx(0.5));
  CHECK(d.decode_correction == Approx(2.0));
  CHECK(std::find(d.notes.begin(), d.notes.end(),
                  "prefill correction factor kept at 0.500: observed TTFT is missing, zero, negative or NaN") != d.notes.end());
  CHECK(std::find(d.notes.begin(), d.notes.end(),
                  "decode correction factor kept at 2.000: observed ITL is missing, zero, negative or NaN") != d.notes.end());

  p.observe(m(10, 3000, 150, 40, 20, 100));
  d = p.plan({1, 0});  // no decode workers: concurrency would divide by zero
  CHECK(d.decode_correction == Approx(2.0));
  CHECK(std::find(d.notes.begin(), d.notes.end(), "decode correction factor kept at 2.000: there are no decode workers") !=
        d.notes.end());

  FixedPerf zero;
  zero.ttft = 0;
  zero.itl_of_concurrency = [](double) { return 0.0; };
  BasicPlanner<FixedPerf> q(ref_config(), zero);
  q.observe(m(10));
  d = q.plan({1, 1});
  CHECK(d.prefill_correction == 1.0);
  CHECK(d.decode_correction == 1.0);
  CHECK(std::find(d.notes.begin(), d.notes.end(), "prefill correction factor kept at 1.000: interpolated TTFT is not positive") !=
        d.notes.end());
  CHECK(std::find(d.notes.begin(), d.notes.end(), "decode correction factor kept at 1.000: interpolated ITL is not positive") !=
        d.notes.end());
}

TEST_CASE("no_correction leaves the factors at 1") {
  auto c = ref_config();
  c.no_correction = true;
  BasicPlanner<FixedPerf> p(c, FixedPerf{});
  p.observe(m(10, 3000, 150, 40, 20, 100));
  const Decision d = p.plan({1, 1});
  CHECK(d.prefill_correction == 1.0);
  CHECK(d.decode_correction == 1.0);
  CHECK(d.corrected_itl_ms == 10.0);
}

TEST_CASE("an idle interval is an observation: the plan goes down to min_endpoint") {
  auto c = ref_config();
  c.max_gpu_budget = -1;
  FixedPerf perf;
  perf.decode_thpt = 1000;
  BasicPlanner<FixedPerf> p(c, perf);
  p.observe(m(5000));
  Decision d = p.plan({1, 1});
  CHECK(d.num_prefill == 7);
  CHECK(d.num_decode == 13);
  Metrics idle;
  idle.num_req = 0;  // no ISL/OSL/latency: nothing was served
  p.observe(idle);
  d = p.plan({7, 13});
  CHECK(d.predicted_num_req == 0);
  CHECK(d.predicted_isl == 3000);  // carried from the last non-empty interval
  CHECK(d.predicted_osl == 150);
  CHECK(d.num_prefill == 1);
  CHECK(d.num_decode == 1);
  CHECK(std::find(d.notes.begin(), d.notes.end(),
                  "no requests in the last interval; correction factors kept (TTFT 1.000, ITL 1.000)") != d.notes.end());
}

TEST_CASE("NaN or missing metrics count as an idle interval") {
  BasicPlanner<FixedPerf> p(ref_config(), FixedPerf{});
  p.observe(m(100));
  p.plan({1, 1});
  Metrics nan;
  nan.num_req = std::nan("");
  nan.isl = std::nan("");
  nan.osl = std::nan("");
  nan.ttft_ms = std::nan("");
  p.observe(nan);
  Decision d = p.plan({1, 1});
  CHECK(d.predicted_num_req == 0);
  CHECK(d.predicted_isl == 3000);
  CHECK(d.num_prefill == 1);
  CHECK(d.num_decode == 1);
  p.observe(Metrics{});  // everything missing
  d = p.plan({1, 1});
  CHECK(d.predicted_num_req == 0);
  CHECK(std::isfinite(d.prefill_correction));
}

TEST_CASE("a planner that has seen nothing plans min_endpoint") {
  auto c = ref_config();
  c.min_endpoint = 2;
  BasicPlanner<FixedPerf> p(c, FixedPerf{});
  const Decision d = p.plan({3, 3});
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 2);
}

TEST_CASE("scale-down patience: a lower count only after N recommendations in a row") {
  auto c = ref_config();
  c.max_gpu_budget = -1;
  c.scale_down_patience = 3;
  FixedPerf perf;
  perf.decode_thpt = 1000;
  BasicPlanner<FixedPerf> p(c, perf);
  p.observe(m(5000));
  Decision d = p.plan({1, 1});
  REQUIRE(d.num_decode == 13);  // scale-ups are immediate
  p.observe(m(1000));           // wants 3P 3D
  d = p.plan({7, 13});
  CHECK(d.num_prefill == 7);  // held (1 of 3)
  CHECK(d.num_decode == 13);
  p.observe(m(2000));  // wants 3P 5D
  d = p.plan({7, 13});
  CHECK(d.num_decode == 13);  // held (2 of 3)
  p.observe(m(1000));
  d = p.plan({7, 13});
  CHECK(d.num_prefill == 3);  // max of the last 3 recommendations (2, 3, 2 for prefill)
  CHECK(d.num_decode == 5);   // max of (3, 5, 3)
}

TEST_CASE("change cap: at most N replicas added or removed per decision") {
  auto c = ref_config();
  c.max_gpu_budget = -1;
  c.max_replica_change = 2;
  FixedPerf perf;
  perf.decode_thpt = 1000;
  BasicPlanner<FixedPerf> p(c, perf);
  p.observe(m(5000));
  Decision d = p.plan({1, 1});
  CHECK(d.num_prefill == 3);
  CHECK(d.num_decode == 3);
  CHECK(std::find(d.notes.begin(), d.notes.end(), "decode change limited to 2 per decision: 1 -> 3 (wanted 13)") !=
        d.notes.end());
  p.observe(m(0));
  d = p.plan({10, 10});
  CHECK(d.num_prefill == 8);
  CHECK(d.num_decode == 8);
}

TEST_CASE("scale-down safety check keeps the engines the observed load needs") {
  auto c = ref_config();
  c.max_gpu_budget = -1;
  c.scale_down_safety_check = true;
  FixedPerf perf;
  perf.ttft = 160;  // observed TTFT 80 -> prefill factor 0.5 halves the predicted prefill load
  perf.itl_of_concurrency = [](double conc) { return 4.0 + conc * 0.1; };
  BasicPlanner<FixedPerf> p(c, perf);
  p.observe(m(4800, 3000, 150, 80, 10, 100));  // 240000 tok/s: 6 prefill engines of 40000
  Decision d = p.plan({6, 20});
  CHECK(d.prefill_correction == Approx(0.5));
  // Formula alone: ceil(240000 * 0.5 / 40000) = 3; the observed load needs 6 engines.
  CHECK(d.num_prefill == 6);
  CHECK(std::find(d.notes.begin(), d.notes.end(),
                  "prefill scale-down to 3 refused by the safety check: 240000.00 tokens/s observed needs 6 engines of 40000.00") !=
        d.notes.end());
  // Decode: 4800/60*100 = 8000 requests in flight; ITL = 4 + 0.1 * 8000/m <= 10 needs m >= 134 -> capped at current 20.
  CHECK(d.num_decode == 20);

  BasicPlanner<FixedPerf> off([&] { auto k = c; k.scale_down_safety_check = false; return k; }(), perf);
  off.observe(m(4800, 3000, 150, 80, 10, 100));
  d = off.plan({6, 20});
  CHECK(d.num_prefill == 3);
  CHECK(d.num_decode == 2);  // ceil(4800 * 150 / 60 / 10000) = ceil(1.2)
}

TEST_CASE("warm-up pre-feeds the predictors") {
  BasicPlanner<FixedPerf> p(ref_config(), FixedPerf{});
  p.warm_up({0, 0, 10, 20, 30}, {0, 0, 1000, 2000, 3000}, {0, 0, 100, 200, 300});
  CHECK(p.num_req_predictor().size() == 3);  // leading zeros skipped
  const Decision d = p.plan({1, 1});
  CHECK(d.predicted_num_req == 30);
  CHECK(d.predicted_isl == 3000);
  CHECK(d.predicted_osl == 300);
}

TEST_CASE("property: decisions respect the budget and min_endpoint under every policy (100,000 decisions)") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> gpu(1, 4), small(1, 3), coin(0, 1);
  long decisions = 0;
  for (int s = 0; s < 10000; ++s) {
    PlannerConfig c = ref_config();
    c.prefill_engine_num_gpu = gpu(rng);
    c.decode_engine_num_gpu = gpu(rng);
    c.min_endpoint = small(rng);
    c.max_gpu_budget = static_cast<int>(c.gpus(c.min_endpoint, c.min_endpoint) + static_cast<long long>(u(rng) * 40));
    c.no_correction = coin(rng);
    c.max_replica_change = coin(rng) ? small(rng) : 0;
    c.scale_down_patience = coin(rng) ? small(rng) : 1;
    c.scale_down_safety_check = coin(rng);
    FixedPerf perf;
    perf.prefill_thpt = 1000 + u(rng) * 50000;
    perf.decode_thpt = 100 + u(rng) * 10000;
    const double slope = u(rng);
    perf.itl_of_concurrency = [slope](double conc) { return 3 + slope * conc; };
    BasicPlanner<FixedPerf> p(c, perf);
    WorkerCounts cur{1 + static_cast<long long>(u(rng) * 50), 1 + static_cast<long long>(u(rng) * 50)};
    for (int t = 0; t < 10; ++t) {
      const double n = coin(rng) ? 0.0 : std::pow(10.0, u(rng) * 5);
      p.observe(m(n, 100 + u(rng) * 8000, 10 + u(rng) * 1000, u(rng) * 200, u(rng) * 30, u(rng) * 100));
      const Decision d = p.plan(cur);
      REQUIRE(d.num_prefill >= c.min_endpoint);
      REQUIRE(d.num_decode >= c.min_endpoint);
      REQUIRE(d.gpus <= c.max_gpu_budget);
      REQUIRE(d.gpus == c.gpus(d.num_prefill, d.num_decode));
      REQUIRE(std::isfinite(d.prefill_correction));
      REQUIRE(std::isfinite(d.decode_correction));
      cur = {d.num_prefill, d.num_decode};
      ++decisions;
    }
  }
  CHECK(decisions == 100000);
}
