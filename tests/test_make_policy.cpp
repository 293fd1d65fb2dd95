// make_policy: policies by name over the bundled H200 profile (Llama-3.1-8B-Instruct-FP8, TP1
// prefill and decode), at the seed workload's targets (TTFT 200 ms, ITL 10 ms, ISL 3000, OSL 300).
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/planner/make_policy.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/planner/profile_perf_model.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;

namespace {
const Profile& profile() {
  static const Profile p = load_profile(test::profile_path("H200_TP1P_TP1D"));
  return p;
}
PlannerConfig seed_config() {
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  c.adjustment_interval_s = 60;
  c.max_gpu_budget = 12;
  c.load_predictor = PredictorKind::Constant;
  return c;
}
FleetObservation tick(WorkerCounts fleet, double queued_prefill, double decode_kv) {
  FleetObservation o;
  o.duration_s = 5;
  o.num_req = 50;
  o.mean_isl = 3000;
  o.mean_osl = 300;
  o.ready = o.deployed = fleet;
  for (long long i = 0; i < fleet.prefill; ++i) o.prefill_workers.push_back({queued_prefill, 0, 0, 0, 0});
  for (long long i = 0; i < fleet.decode; ++i) o.decode_workers.push_back({0, decode_kv, 0, 0, 0});
  return o;
}
}  // namespace

TEST_CASE("make_policy knows throughput and load, and nothing else") {
  const ProfilePerfModel perf(profile());
  CHECK(make_policy("throughput", seed_config(), perf)->name() == "throughput");
  CHECK(make_policy("load", seed_config(), perf)->name() == "load");
  CHECK(make_policy("load", seed_config(), perf)->tick_interval_s() == 5.0);
  CHECK_THROWS_WITH(make_policy("attainment", seed_config(), perf),
                    "'policy' must be one of throughput, load, got 'attainment'");
}

TEST_CASE("PlanningPolicy::warm_up feeds the policy's load predictors") {
  // ARIMA forecasts from the history: a warmed-up policy forecasts differently from a cold one,
  // and exactly as the throughput rules warmed up directly.
  PlannerConfig c = seed_config();
  c.load_predictor = PredictorKind::Arima;
  const ProfilePerfModel perf(profile());
  const std::vector<double> n{100, 200, 300, 400, 500, 600, 700, 800}, isl(8, 3000), osl(8, 300);
  FleetObservation o = tick({1, 1}, 0, 0);
  o.duration_s = 60;
  o.num_req = 900;
  Planner direct(c, perf);
  direct.warm_up(n, isl, osl);
  direct.observe(o.to_metrics());
  const double want = direct.plan({1, 1}).predicted_num_req;
  auto warm = make_policy("throughput", c, perf), cold = make_policy("throughput", c, perf);
  warm->warm_up(n, isl, osl);
  CHECK(warm->decide(o).predicted_num_req == want);
  CHECK(cold->decide(o).predicted_num_req != want);
  // The load policy keeps the throughput rules as its floor; they are what is warmed up.
  auto load = make_policy("load", c, perf);
  load->warm_up(n, isl, osl);
  Planner floor = dynamic_cast<LoadPolicy<ProfilePerfModel>&>(*load).throughput_planner();
  floor.observe(o.to_metrics());
  CHECK(floor.plan({1, 1}).predicted_num_req == want);
}

TEST_CASE("load policy over the H200 profile: estimates and decisions at the seed workload") {
  const ProfilePerfModel perf(profile());
  LoadPolicyParams lp;
  lp.max_kv_tokens = profile().decode.max_kv_tokens;
  LoadPolicy<ProfilePerfModel> policy(seed_config(), lp, perf);
  policy.decide(tick({1, 1}, 0, 0));
  // An idle engine: the next request's 3000 tokens in chunks of 2048 and 952.
  const double own = perf.prefill_ttft_ms(2048) + perf.prefill_ttft_ms(952);
  CHECK(policy.estimate_ttft_ms(0) == Approx(own));
  CHECK(own < 200);
  // Context 3000 + 300/2: one request alone on a decode engine.
  CHECK(policy.estimate_itl_ms(0) == Approx(perf.decode_itl_ms(1, 3150)));
  CHECK(policy.estimate_itl_ms(0) < 10);

  // A backlog of ten prompts on the only prefill engine: every estimate is above 200 ms -> +1.
  Decision d = policy.decide(tick({1, 1}, 30000, 0));
  CHECK(policy.estimate_ttft_ms(30000) > 200);
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 1);
  // Two idle prefill engines: one carries the (empty) queue within 80 % of the budget -> -1.
  d = policy.decide(tick({2, 1}, 0, 0));
  CHECK(d.num_prefill == 1);
  // A decode engine near its KV capacity is far slower than 10 ms per token -> +1.
  const double full = 0.9 * profile().decode.max_kv_tokens;
  CHECK(policy.estimate_itl_ms(full) > 10);
  d = policy.decide(tick({1, 1}, 0, full));
  CHECK(d.num_decode == 2);
  CHECK(d.gpus <= 12);
}
