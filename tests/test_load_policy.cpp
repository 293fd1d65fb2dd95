// LoadPolicy: NVIDIA Dynamo's load-based scaling. The threshold scenarios are Dynamo's own
// (components/src/dynamo/planner/tests/unit/test_easy_scaling.py @ 1ca601557ebf7cf963a3c0a1bcbae45fd2166944,
// CONTEXT_LENGTH 4096, MAX_KV_TOKENS 100000); the "sla" scenarios follow
// tests/unit/test_state_machine.py @ 518a70279da932774915f3b039b6978f9b1057f8 with its training
// data turned into a fixed performance model (prefill forward pass of t tokens: t + 2 ms; decode
// step at K KV tokens: 0.01·K + 1 ms). Expected counts are Dynamo's; times are hand-computed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "sla_planner/planner/load_policy.hpp"

using namespace sla_planner;

namespace {
/// Dynamo's test regressions as a model: wall = 0.001·t + 0.002 s (prefill), 0.00001·K + 0.001 s (decode).
struct LinearPerf {
  double prefill_ttft_ms(double tokens) const { return tokens + 2.0; }
  double prefill_thpt_per_gpu(double) const { return 1000.0; }  // t + 2 ms per t tokens
  double decode_itl_ms(double concurrency, double context) const { return 0.01 * concurrency * context + 1.0; }
  DecodeOperatingPoint decode_best(double itl, double) const { return {10000.0, itl, 0.5}; }
};

constexpr double kContext = 4096, kMaxKv = 100000;

PlannerConfig config(int min_endpoint = 1, int budget = -1) {
  PlannerConfig c;
  c.ttft_ms = 500;
  c.itl_ms = 50;
  c.adjustment_interval_s = 60;
  c.min_endpoint = min_endpoint;
  c.max_gpu_budget = budget;
  c.load_predictor = PredictorKind::Constant;
  return c;
}
LoadPolicyParams params(const std::string& target) {
  LoadPolicyParams p;
  find_setting(LoadPolicyParams::settings(), "optimization_target")->set_choice(p, target);
  p.context_length = kContext;
  p.max_kv_tokens = kMaxKv;
  return p;
}
WorkerLoad prefill_q(double queued) {
  WorkerLoad w;
  w.queued_prefill_tokens = queued;
  return w;
}
WorkerLoad decode_kv(double sched, double queued = 0) {
  WorkerLoad w;
  w.scheduled_decode_kv_tokens = sched;
  w.queued_decode_kv_tokens = queued;
  return w;
}
FleetObservation obs(std::vector<WorkerLoad> p, std::vector<WorkerLoad> d) {
  FleetObservation o;
  o.duration_s = 5;
  o.ready = {static_cast<long long>(std::max<std::size_t>(p.size(), 1)),
             static_cast<long long>(std::max<std::size_t>(d.size(), 1))};
  o.deployed = o.ready;
  o.prefill_workers = std::move(p);
  o.decode_workers = std::move(d);
  return o;
}
Decision run(const std::string& target, const FleetObservation& o, PlannerConfig c = config()) {
  LoadPolicy<LinearPerf> policy(c, params(target), LinearPerf{});
  return policy.decide(o);
}
bool has_note(const Decision& d, const std::string& s) {
  return std::any_of(d.notes.begin(), d.notes.end(), [&](const std::string& n) { return n.find(s) != std::string::npos; });
}
}  // namespace

TEST_CASE("defaults are Dynamo's and validate() names the field") {
  LoadPolicyParams p;
  CHECK(p.tick_s == 5.0);
  CHECK(p.scale_down_sensitivity == 80.0);
  CHECK(p.throughput_interval_s == 180.0);
  CHECK(p.max_throughput_scaling_replicas == 8);
  CHECK(p.decode_scale_up_kv_rate == 90.0);
  CHECK(p.decode_scale_down_kv_rate == 70.0);
  p.validate();
  const auto& table = LoadPolicyParams::settings();
  const Setting<LoadPolicyParams>* target = find_setting(table, "optimization_target");
  REQUIRE(target != nullptr);
  CHECK(target->text(p) == "sla");
  CHECK_THROWS_WITH(target->set_choice(p, "fast"),
                    "'optimization_target' must be one of sla, throughput, latency, load, got 'fast'");
  target->set_choice(p, "latency");
  CHECK(p.optimization_target == LoadTarget::Latency);
  CHECK(find_setting(table, "load_adjustment_interval_seconds") == find_setting(table, "load_tick_s"));
  CHECK(find_setting(table, "enable_throughput_scaling")->flag == "load-throughput-floor");
  p = LoadPolicyParams();
  p.tick_s = 0;
  CHECK_THROWS_WITH(p.validate(), "'load_tick_s' must be > 0, got 0");
  p = LoadPolicyParams();
  p.scale_down_sensitivity = 120;
  CHECK_THROWS_WITH(p.validate(), "'load_scaling_down_sensitivity' must be in [0, 100], got 120");
  p = LoadPolicyParams();
  p.optimization_target = LoadTarget::Load;
  p.decode_scale_up_kv_rate = 60;
  CHECK_THROWS_WITH(p.validate(), "'decode_scale_up_kv_rate' must be > decode_scale_down_kv_rate (70), got 60");
  p = LoadPolicyParams();
  p.throughput_interval_s = 7;  // not a whole number of 5 s ticks
  CHECK_THROWS_WITH((LoadPolicy<LinearPerf>(config(), p, LinearPerf{})),
                    "'throughput_interval_s' must be a whole multiple (>= 2) of load_tick_s (5) with the throughput "
                    "floor, got 7");
  LoadPolicy<LinearPerf> ok(config(), LoadPolicyParams(), LinearPerf{});
  CHECK(ok.tick_interval_s() == 5.0);
  CHECK(ok.wants_worker_loads());
  CHECK(ok.name() == "load");
}

// ---- Dynamo test_easy_scaling.py: TestPrefillThroughputEasy

TEST_CASE("prefill/throughput: queue of one context length scales up 1 -> 2") {
  const Decision d = run("throughput", obs({prefill_q(kContext)}, {decode_kv(50000)}));
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 1);
  CHECK(has_note(d, "prefill: scale up 1 -> 2"));
}
TEST_CASE("prefill/throughput: half a context length on both engines: no change") {
  const Decision d = run("throughput", obs({prefill_q(2048), prefill_q(2048)}, {decode_kv(70000)}));
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 1);
  CHECK(has_note(d, "load: no scaling needed"));
}
TEST_CASE("prefill/throughput: below a tenth on every engine scales down 2 -> 1") {
  const Decision d = run("throughput", obs({prefill_q(4096 / 20), prefill_q(4096 / 20)}, {decode_kv(70000)}));
  CHECK(d.num_prefill == 1);
}
TEST_CASE("prefill/throughput: one idle engine stays at 1") {
  const Decision d = run("throughput", obs({prefill_q(0)}, {decode_kv(70000)}));
  CHECK(d.num_prefill == 1);
}

// ---- TestPrefillLatencyEasy

TEST_CASE("prefill/latency: a tenth of the context length scales up") {
  CHECK(run("latency", obs({prefill_q(4096 / 10 + 1)}, {decode_kv(20000)})).num_prefill == 2);
}
TEST_CASE("prefill/latency: all queues empty scales down") {
  CHECK(run("latency", obs({prefill_q(0), prefill_q(0)}, {decode_kv(20000)})).num_prefill == 1);
}
TEST_CASE("prefill/latency: any queued token blocks the scale-down") {
  CHECK(run("latency", obs({prefill_q(10), prefill_q(10)}, {decode_kv(20000)})).num_prefill == 2);
}

// ---- TestDecodeThroughputEasy / TestDecodeLatencyEasy

TEST_CASE("decode/throughput: KV use 110% scales up, 40% scales down, 70% stays") {
  CHECK(run("throughput", obs({prefill_q(1000)}, {decode_kv(80000, 30000)})).num_decode == 2);
  CHECK(run("throughput", obs({prefill_q(1000)}, {decode_kv(40000), decode_kv(40000)})).num_decode == 1);
  CHECK(run("throughput", obs({prefill_q(1000)}, {decode_kv(70000), decode_kv(70000)})).num_decode == 2);
}
TEST_CASE("decode/latency: KV use 45% scales up, 5% scales down") {
  CHECK(run("latency", obs({prefill_q(100)}, {decode_kv(45000)})).num_decode == 2);
  CHECK(run("latency", obs({prefill_q(100)}, {decode_kv(5000), decode_kv(5000)})).num_decode == 1);
}

// ---- TestAnyUpAllDown

TEST_CASE("any engine above scales up, all below needed to scale down") {
  CHECK(run("throughput", obs({prefill_q(1000)}, {decode_kv(50000), decode_kv(80000, 30000)})).num_decode == 3);
  CHECK(run("throughput", obs({prefill_q(1000)}, {decode_kv(20000), decode_kv(70000)})).num_decode == 2);
  CHECK(run("throughput", obs({prefill_q(1000)}, {decode_kv(20000), decode_kv(30000), decode_kv(25000)})).num_decode ==
        2);
}

// ---- TestDisaggEasy

TEST_CASE("disagg: prefill and decode decide independently") {
  const Decision a = run("throughput", obs({prefill_q(kContext)}, {decode_kv(50000)}));
  CHECK(a.num_prefill == 2);
  CHECK(a.num_decode == 1);
  const Decision b = run("throughput", obs({prefill_q(0)}, {decode_kv(80000, 30000)}));
  CHECK(b.num_prefill == 1);
  CHECK(b.num_decode == 2);
}

// ---- TestMissingCapabilities, TestScalingInProgress, TestBudgetClamping

TEST_CASE("unknown context length or KV capacity: no decision") {
  LoadPolicyParams p = params("throughput");
  p.context_length = 0;
  p.max_kv_tokens = 0;
  LoadPolicy<LinearPerf> policy(config(), p, LinearPerf{});
  const Decision d = policy.decide(obs({prefill_q(10000)}, {decode_kv(80000, 30000)}));
  CHECK(d.num_prefill == 1);
  CHECK(d.num_decode == 1);
  CHECK(has_note(d, "prefill: context length unknown; no decision"));
  CHECK(has_note(d, "decode: KV capacity unknown; no decision"));
}
TEST_CASE("scaling in progress: observe only, keep the deployed counts") {
  FleetObservation o = obs({prefill_q(2 * kContext)}, {decode_kv(1000)});
  o.deployed = {2, 1};  // one prefill engine still starting
  const Decision d = run("throughput", o);
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 1);
  CHECK(has_note(d, "scaling in progress"));
}
TEST_CASE("per-engine reports that do not match the ready count: no decision") {
  FleetObservation o = obs({prefill_q(10000), prefill_q(8000)}, {decode_kv(1000)});
  o.ready.prefill = o.deployed.prefill = 3;  // test_state_machine.py TestFpmReconciliation
  const Decision d = run("sla", o);
  CHECK(d.num_prefill == 3);
  CHECK(has_note(d, "2 prefill engines reported, 3 ready"));
}
TEST_CASE("min_endpoint 2: idle engines do not go below it") {
  const Decision d = run("throughput", obs({prefill_q(0), prefill_q(0)}, {decode_kv(0), decode_kv(0)}), config(2));
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 2);
}
TEST_CASE("GPU budget caps a scale-up (4-GPU prefill engines, budget 5)") {
  // Dynamo's test is prefill-only with budget 4; a disaggregated fleet needs room for one decode GPU.
  PlannerConfig c = config(1, 5);
  c.prefill_engine_num_gpu = 4;
  const Decision d = run("throughput", obs({prefill_q(2 * kContext)}, {decode_kv(50000)}), c);
  CHECK(d.num_prefill == 1);
  CHECK(d.gpus == 5);
  CHECK(d.budget_limited);
}

// ---- "load" target (user thresholds; Dynamo's sweep provider values 1/0 tokens, 90/70 %)

TEST_CASE("load target: queue >= 1 token scales up, all at 0 scale down; KV >= 90% up, all <= 70% down") {
  CHECK(run("load", obs({prefill_q(1), prefill_q(0)}, {decode_kv(80000)})).num_prefill == 3);
  CHECK(run("load", obs({prefill_q(0), prefill_q(0)}, {decode_kv(80000)})).num_prefill == 1);
  CHECK(run("load", obs({prefill_q(0.5)}, {decode_kv(90000)})).num_decode == 2);
  CHECK(run("load", obs({prefill_q(0.5)}, {decode_kv(70000), decode_kv(69000)})).num_decode == 1);
  CHECK(run("load", obs({prefill_q(0.5)}, {decode_kv(70001), decode_kv(69000)})).num_decode == 2);
}

// ---- "sla" target (test_state_machine.py TestPrefillLoadScaling / TestDecodeLoadScaling)

TEST_CASE("sla: every engine above the TTFT target scales prefill up") {
  PlannerConfig c = config();
  c.ttft_ms = 5;
  c.itl_ms = 5;
  LoadPolicy<LinearPerf> policy(c, params("sla"), LinearPerf{});
  FleetObservation o = obs({prefill_q(10000)}, {decode_kv(30000, 20000)});
  o.num_req = 10;
  o.mean_isl = 1500;  // Dynamo's training FPMs: prompts of 500..2500 tokens
  o.mean_osl = 150;
  const Decision d = policy.decide(o);
  // (10000 + 1500) tokens in 2048-token chunks: 5 × (2048 + 2) + (1260 + 2) = 11512 ms.
  CHECK(policy.estimate_ttft_ms(10000) == Approx(11512.0));
  CHECK(policy.estimate_ttft_ms(0) == Approx(1502.0));
  // Decode at 50000 KV tokens plus one request of context 1500 + 75: 0.01 × 51575 + 1 = 516.75 ms.
  CHECK(policy.estimate_itl_ms(50000) == Approx(516.75));
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 2);
  CHECK(has_note(d, "prefill: estimated TTFT up to 11512.00 ms"));
}

TEST_CASE("sla: prefix hits discount the queued and own tokens") {
  LoadPolicy<LinearPerf> policy(config(), params("sla"), LinearPerf{});
  FleetObservation o = obs({prefill_q(0)}, {decode_kv(0)});
  o.num_req = 4;
  o.mean_isl = 1000;
  o.mean_osl = 100;
  o.prefix_hit_rate = 0.5;
  policy.decide(o);
  // (3000 + 1000) × 0.5 = 2000 tokens: one chunk, 2002 ms.
  CHECK(policy.estimate_ttft_ms(3000) == Approx(2002.0));
}

TEST_CASE("sla: consolidation-aware prefill scale-down") {
  // TTFT 500 ms, ISL 100: own prefill 102 ms, queueing budget (500 - 102) × 0.8 = 318.4 ms.
  auto decide = [](double q) {
    LoadPolicy<LinearPerf> policy(config(), params("sla"), LinearPerf{});
    FleetObservation o = obs({prefill_q(q), prefill_q(q)}, {decode_kv(2000), decode_kv(2000)});
    o.num_req = 10;
    o.mean_isl = 100;
    o.mean_osl = 50;
    return policy.decide(o);
  };
  // Queues of 150: on one engine 300 -> 402 ms, 300 ms of queueing < 318.4: scale down.
  CHECK(decide(150).num_prefill == 1);
  // Queues of 160: 320 ms of queueing >= 318.4: refused, no change.
  const Decision d = decide(160);
  CHECK(d.num_prefill == 2);
  CHECK(has_note(d, "prefill: no change (scale-down refused"));
}

TEST_CASE("sla: consolidation-aware decode scale-down (ITL and cache)") {
  // ITL 50 ms, sensitivity 80%: the consolidated ITL must stay below 40 ms. Context 1000 + 150/2.
  auto decide = [](double kv, double max_kv) {
    LoadPolicyParams p = params("sla");
    p.max_kv_tokens = max_kv;
    LoadPolicy<LinearPerf> policy(config(), p, LinearPerf{});
    FleetObservation o = obs({prefill_q(0)}, {decode_kv(kv), decode_kv(kv)});
    o.num_req = 10;
    o.mean_isl = 1000;
    o.mean_osl = 150;
    return policy.decide(o);
  };
  // 1000 KV each -> 2000 on one engine: 0.01 × (2000 + 1075) + 1 = 31.75 ms < 40: down.
  CHECK(decide(1000, kMaxKv).num_decode == 1);
  // 2000 each -> 4000: 51.75 ms >= 40: refused.
  CHECK(decide(2000, kMaxKv).num_decode == 2);
  // 1000 each -> 2000 >= a 2000-token cache: refused by the cache check.
  CHECK(decide(1000, 2000).num_decode == 2);
}

TEST_CASE("sla: the throughput rules set a floor every adjustment interval and never scale by themselves") {
  // With a 60 s throughput interval, 12 ticks of 5 s, 25 requests per tick, ISL 300, OSL 150:
  // prefill 300 × 300 / 60 = 1500 tok/s over 1000 -> 2; decode 300 × 150 / 60 = 750 over 10000 -> 1.
  // The load rule alone keeps one prefill engine: its own prefill, 302 ms, is within 500 ms.
  LoadPolicyParams p = params("sla");
  p.throughput_interval_s = 60;
  LoadPolicy<LinearPerf> policy(config(), p, LinearPerf{});
  CHECK(policy.throughput_planner().config().adjustment_interval_s == 60);
  CHECK(policy.throughput_planner().config().max_replica_change == 8);
  FleetObservation o = obs({prefill_q(0)}, {decode_kv(0)});
  o.num_req = 25;
  o.mean_isl = 300;
  o.mean_osl = 150;
  for (int i = 0; i < 11; ++i) {
    const Decision d = policy.decide(o);
    CHECK(d.num_prefill == 1);
    CHECK(d.num_decode == 1);
  }
  CHECK(policy.prefill_floor() == 1);
  Decision d = policy.decide(o);  // 12th tick: the floor is set and lifts prefill
  CHECK(policy.prefill_floor() == 2);
  CHECK(policy.decode_floor() == 1);
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 1);
  CHECK(d.predicted_num_req == Approx(300));
  CHECK(has_note(d, "throughput floor set: prefill 2, decode 1"));
  CHECK(has_note(d, "prefill raised to the throughput floor 2"));
  // Three idle prefill engines: the load rule says 2, the floor agrees.
  FleetObservation three = obs({prefill_q(0), prefill_q(0), prefill_q(0)}, {decode_kv(0)});
  three.num_req = 25;
  three.mean_isl = 300;
  three.mean_osl = 150;
  CHECK(policy.decide(three).num_prefill == 2);
  // Two idle engines: the load rule wants 1, the floor keeps 2 (scale-down capped by throughput).
  FleetObservation two = obs({prefill_q(0), prefill_q(0)}, {decode_kv(0)});
  two.num_req = 25;
  two.mean_isl = 300;
  two.mean_osl = 150;
  d = policy.decide(two);
  CHECK(d.num_prefill == 2);
  CHECK(has_note(d, "prefill raised to the throughput floor 2"));
}

TEST_CASE("sla: the floor moves at most max_throughput_scaling_replicas engines per throughput interval") {
  LoadPolicyParams p = params("sla");
  p.throughput_interval_s = 60;
  LoadPolicy<LinearPerf> policy(config(), p, LinearPerf{});
  FleetObservation o = obs({prefill_q(0)}, {decode_kv(0)});
  o.num_req = 25000;  // 300000 per minute: 1500 prefill and 75 decode engines by the throughput rules
  o.mean_isl = 300;
  o.mean_osl = 150;
  Decision d;
  for (int i = 0; i < 12; ++i) d = policy.decide(o);
  CHECK(policy.prefill_floor() == 9);  // 1 deployed + 8
  CHECK(policy.decode_floor() == 9);
  CHECK(d.num_prefill == 9);
  CHECK(d.num_decode == 9);
}

TEST_CASE("threshold targets ignore the throughput floor, as Dynamo forces throughput scaling off") {
  LoadPolicy<LinearPerf> policy(config(), params("throughput"), LinearPerf{});
  FleetObservation o = obs({prefill_q(0)}, {decode_kv(0)});
  o.num_req = 1000;
  o.mean_isl = 3000;
  o.mean_osl = 150;
  for (int i = 0; i < 24; ++i) CHECK(policy.decide(o).num_prefill == 1);
  CHECK(policy.prefill_floor() == 1);
}

TEST_CASE("GPU budget: a full budget holds a scale-up, an opposing trade that fits goes through") {
  PlannerConfig c = config(1, 4);
  // 2P + 2D = 4 GPUs: prefill wants +1, decode no change -> held.
  Decision d = run("throughput", obs({prefill_q(kContext), prefill_q(0)}, {decode_kv(70000), decode_kv(70000)}), c);
  CHECK(d.num_prefill == 2);
  CHECK(d.num_decode == 2);
  CHECK(has_note(d, "gpu_budget_guard_hold"));
  // prefill +1, decode -1: 3P + 1D = 4 fits.
  d = run("throughput", obs({prefill_q(kContext), prefill_q(0)}, {decode_kv(1000), decode_kv(1000)}), c);
  CHECK(d.num_prefill == 3);
  CHECK(d.num_decode == 1);
  // A fleet already over the budget is brought back inside it.
  FleetObservation over = obs({prefill_q(0), prefill_q(0), prefill_q(0)}, {decode_kv(70000), decode_kv(70000)});
  d = run("throughput", over, c);
  CHECK(d.gpus <= 4);
}

// ---- Dynamo tests/unit/test_budget.py @ a211eac38357289d4cf18d18b778ffac5e756caf (ceiling only)

TEST_CASE("budget guard: Dynamo's ceiling-only scenarios") {
  auto cfg = [](int budget, int pg = 1, int dg = 1) {
    PlannerConfig c = config(1, budget);
    c.prefill_engine_num_gpu = pg;
    c.decode_engine_num_gpu = dg;
    return c;
  };
  auto guard = [](const PlannerConfig& c, WorkerCounts cur, WorkerCounts prop) {
    return detail::guard_scaling_budget(c, ReplicaCalculator(c), cur, prop);
  };
  auto fit = [](const PlannerConfig& c, WorkerCounts cur, WorkerCounts prop) {
    return detail::fit_directional(c, cur, prop);
  };
  auto is = [](WorkerCounts w, long long p, long long d) { return w.prefill == p && w.decode == d; };
  // test_load_budget_disabled_minimum_does_not_invent_ceiling_donor
  detail::BudgetFit f = guard(cfg(4), {3, 1}, {3, 2});
  CHECK(is(f.counts, 3, 1));
  CHECK(f.reason == "gpu_budget_guard_hold");
  // test_load_budget_max_only_both_up_does_not_invent_donor
  CHECK(guard(cfg(5), {4, 1}, {5, 2}).reason == "gpu_budget_guard_hold");
  // opposing swaps at a full budget go through
  CHECK(is(guard(cfg(64), {27, 37}, {26, 38}).counts, 26, 38));
  CHECK(is(guard(cfg(64), {27, 37}, {28, 36}).counts, 28, 36));
  // test_load_budget_rejects_opposing_swap_that_does_not_fit: one 1-GPU prefill cannot fund a 2-GPU decode
  f = guard(cfg(4, 1, 2), {2, 1}, {1, 2});
  CHECK(is(f.counts, 2, 1));
  CHECK(f.reason == "gpu_budget_guard_hold");
  // test_load_budget_allows_scale_down_above_floor
  CHECK(is(guard(cfg(80), {35, 35}, {34, 35}).counts, 34, 35));
  // test_throughput_fit_shares_available_headroom_between_two_scale_ups
  CHECK(is(fit(cfg(64), {24, 36}, {32, 44}), 26, 38));
  // test_throughput_fit_holds_when_both_roles_scale_up_at_ceiling
  CHECK(is(fit(cfg(64), {24, 40}, {32, 48}), 24, 40));
  // test_throughput_fit_admits_only_funded_part_of_opposing_rebalance
  CHECK(is(fit(cfg(64), {24, 40}, {23, 48}), 23, 41));
  // test_throughput_fit_preserves_weighted_opposing_atomicity
  CHECK(is(fit(cfg(48, 2, 1), {16, 16}, {15, 24}), 15, 18));
}

TEST_CASE("budget fit: exhaustively direction-preserving and within the ceiling") {
  // test_throughput_fit_exhaustively_preserves_directions_and_budget, ceiling only.
  for (auto [pg, dg] : {std::pair<int, int>{1, 1}, {1, 2}, {2, 3}})
    for (long long cp = 1; cp < 5; ++cp)
      for (long long cd = 1; cd < 5; ++cd) {
        PlannerConfig c = config(1, static_cast<int>(cp * pg + cd * dg));
        c.prefill_engine_num_gpu = pg;
        c.decode_engine_num_gpu = dg;
        for (long long pp = std::max(0LL, cp - 2); pp < cp + 3; ++pp)
          for (long long pd = std::max(0LL, cd - 2); pd < cd + 3; ++pd) {
            const WorkerCounts f = detail::fit_directional(c, {cp, cd}, {pp, pd});
            REQUIRE(std::min(cp, pp) <= f.prefill);
            REQUIRE(f.prefill <= std::max(cp, pp));
            REQUIRE(std::min(cd, pd) <= f.decode);
            REQUIRE(f.decode <= std::max(cd, pd));
            REQUIRE(c.gpus(f.prefill, f.decode) <= c.max_gpu_budget);
            const bool opposing = (pp < cp && pd > cd) || (pp > cp && pd < cd);
            if (opposing) REQUIRE((f.prefill == cp) == (f.decode == cd));
          }
      }
}

TEST_CASE("property: never above the GPU budget, never below min_endpoint, at most one step per tick") {
  std::mt19937_64 rng(20260213);
  auto pick = [&](long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng); };
  auto real = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  const char* targets[] = {"sla", "throughput", "latency", "load"};
  long long checked = 0, one_step = 0;
  for (int round = 0; round < 2000; ++round) {
    PlannerConfig c = config(static_cast<int>(pick(1, 2)));
    c.prefill_engine_num_gpu = static_cast<int>(pick(1, 4));
    c.decode_engine_num_gpu = static_cast<int>(pick(1, 4));
    const long long need = c.gpus(c.min_endpoint, c.min_endpoint);
    c.max_gpu_budget = pick(0, 3) == 0 ? -1 : static_cast<int>(pick(need, need + 12));
    c.ttft_ms = real(50, 3000);
    c.itl_ms = real(5, 100);
    LoadPolicyParams p = params(targets[pick(0, 3)]);
    p.max_num_batched_tokens = static_cast<double>(pick(256, 8192));
    LoadPolicy<LinearPerf> policy(c, p, LinearPerf{});
    for (int tick = 0; tick < 50; ++tick) {
      FleetObservation o;
      o.duration_s = 5;
      o.ready = {pick(0, 9), pick(0, 9)};
      o.deployed = pick(0, 4) == 0 ? WorkerCounts{pick(0, 9), pick(0, 9)} : o.ready;
      o.num_req = static_cast<double>(pick(0, 400));
      if (o.num_req > 0) {
        o.mean_isl = real(10, 20000);
        o.mean_osl = real(1, 2000);
      }
      if (pick(0, 1)) o.prefix_hit_rate = real(0, 1);
      const long long np = pick(0, 5) == 0 ? pick(0, 9) : o.ready.prefill;
      const long long nd = pick(0, 5) == 0 ? pick(0, 9) : o.ready.decode;
      for (long long i = 0; i < np; ++i) o.prefill_workers.push_back(prefill_q(real(0, 3) < 1 ? 0 : real(0, 20000)));
      for (long long i = 0; i < nd; ++i) o.decode_workers.push_back(decode_kv(real(0, 120000), real(0, 30000)));
      const Decision d = policy.decide(o);
      ++checked;
      REQUIRE(d.num_prefill >= c.min_endpoint);
      REQUIRE(d.num_decode >= c.min_endpoint);
      REQUIRE(d.gpus == c.gpus(d.num_prefill, d.num_decode));
      if (c.has_budget()) REQUIRE(d.gpus <= c.max_gpu_budget);
      const bool settled = !o.scaling_in_progress() && o.ready.prefill >= c.min_endpoint &&
                           o.ready.decode >= c.min_endpoint &&
                           (!c.has_budget() || c.gpus(o.ready.prefill, o.ready.decode) <= c.max_gpu_budget);
      if (settled && !p.is_sla()) {  // without the throughput floor, load rules move by one
        REQUIRE(std::llabs(d.num_prefill - o.ready.prefill) <= 1);
        REQUIRE(std::llabs(d.num_decode - o.ready.decode) <= 1);
        ++one_step;
      }
    }
  }
  CHECK(checked == 100000);
  CHECK(one_step > 10000);
}

TEST_CASE("deterministic: the same observations give the same decisions") {
  auto trace = [] {
    LoadPolicy<LinearPerf> policy(config(1, 10), params("sla"), LinearPerf{});
    std::vector<long long> out;
    WorkerCounts fleet{1, 1};
    for (int t = 0; t < 60; ++t) {
      FleetObservation o;
      o.duration_s = 5;
      o.ready = o.deployed = fleet;
      o.num_req = 20.0 * (t % 13);
      o.mean_isl = 2000;
      o.mean_osl = 200;
      for (long long i = 0; i < fleet.prefill; ++i) o.prefill_workers.push_back(prefill_q(300.0 * (t % 7)));
      for (long long i = 0; i < fleet.decode; ++i) o.decode_workers.push_back(decode_kv(4000.0 * (t % 5)));
      const Decision d = policy.decide(o);
      fleet = {d.num_prefill, d.num_decode};
      out.push_back(d.num_prefill * 100 + d.num_decode);
    }
    return out;
  };
  CHECK(trace() == trace());
}
