// The planner over the bundled H200 profile (real interpolators).
#include <catch2/catch.hpp>

#include <cmath>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/planner/planner.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;

namespace {
PlannerConfig seed_config() {
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  c.adjustment_interval_s = 60;
  c.load_predictor = PredictorKind::Constant;
  return c;
}
const Profile& h200() {
  static const Profile p = load_profile(test::profile_path("H200_TP1P_TP1D"));
  return p;
}
Metrics load(double n, double isl, double osl) {
  Metrics m;
  m.num_req = n;
  m.isl = isl;
  m.osl = osl;
  return m;
}
}  // namespace

TEST_CASE("Planner sizes the sinusoidal example's load on the H200 profile") {
  Planner p(seed_config(), ProfilePerfModel(h200()));
  p.observe(load(2243, 3000, 300));
  const Decision d = p.plan({1, 1});
  // prefill: ceil(2243 * 3000 / 60 / 49481.09) = ceil(2.267); decode: best thpt 4555.68 tok/s/GPU
  // at ITL <= 10 ms and context 3150: ceil(2243 * 300 / 60 / 4555.68) = ceil(2.462)
  CHECK(d.prefill_engine_capacity == Approx(49481.093527696125).epsilon(1e-9));
  CHECK(d.decode_engine_capacity == Approx(4555.680366094516).epsilon(1e-6));
  CHECK(d.num_prefill == 3);
  CHECK(d.num_decode == 3);
  CHECK(d.gpus == 6);
  CHECK_FALSE(d.budget_limited);
}

TEST_CASE("Planner correction factors use the profile's TTFT and ITL") {
  auto c = seed_config();
  Planner p(c, ProfilePerfModel(h200()));
  Metrics m = load(600, 3000, 300);
  const double ttft_profile = p.perf().prefill_ttft_ms(3000);
  REQUIRE(ttft_profile == Approx(60.45866867507648).epsilon(1e-9));
  m.ttft_ms = 2 * ttft_profile;  // queueing doubled TTFT
  m.itl_ms = 12;
  m.request_duration_s = 3.5;
  p.observe(m);
  const Decision d = p.plan({2, 2});
  CHECK(d.prefill_correction == Approx(2.0));
  const double conc = 600.0 / 2 * 3.5 / 60;
  CHECK(d.decode_correction == Approx(12.0 / p.perf().decode_itl_ms(conc, 3150)));
  CHECK(d.corrected_itl_ms == Approx(10.0 / d.decode_correction));
  // prefill factor 2 is clamped to 1: ceil(600 * 3000 / 60 / 49481.09) = 1
  CHECK(d.num_prefill == 1);
}

TEST_CASE("Planner goes down to min_endpoint after idle intervals (the reference never did)") {
  auto c = seed_config();
  c.min_endpoint = 1;
  Planner p(c, ProfilePerfModel(h200()));
  p.observe(load(2600, 3000, 300));
  CHECK(p.plan({1, 1}).num_prefill == 3);
  p.observe(Metrics{});  // an interval with no traffic: Prometheus returns NaN
  const Decision d = p.plan({3, 3});
  CHECK(d.num_prefill == 1);
  CHECK(d.num_decode == 1);
  CHECK(d.predicted_isl == 3000);
}

TEST_CASE("Planner with ISL beyond the profile clamps prefill and decode lookups") {
  Planner p(seed_config(), ProfilePerfModel(h200()));
  p.observe(load(300, 120000, 400));
  const Decision d = p.plan({1, 1});
  CHECK(d.prefill_engine_capacity == Approx(p.perf().prefill_thpt_per_gpu(1e9)));
  CHECK(d.num_prefill >= 1);
  CHECK(d.num_decode >= 1);
  CHECK(d.gpus <= 8);
}
