// Decision time of the planning policies at the busiest tick of the sinusoidal example trace
// (44,941 requests; H200 profile; TTFT 200 ms, ITL 10 ms, budget 12; the tools' default replay
// model: chunked prefill, prefix caching, round-robin routing). Each policy is replayed once to
// the peak; then every iteration decides that tick again from a copy of the policy's state.
//   BM_DecisionAtPeak/attainment   simulate-before-scaling (sim/attainment_policy.hpp)
//   BM_DecisionAtPeak/attainment_unlimited   the same without the limit of one engine of a kind
//                                  removed per decision (AttainmentParams::max_scale_down = 0)
//   BM_DecisionAtPeak/throughput   Dynamo's throughput rules, for comparison
//   BM_EveryDecision_attainment    a whole replay of the trace with the attainment policy;
//                                  counters: the median and the longest of its decisions
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/planner/profile_perf_model.hpp"
#include "sla_planner/sim/planning_policies.hpp"

namespace {

using namespace sla_planner;

const Profile& profile() {
  static const Profile p = load_profile(std::string(SLA_PLANNER_PROFILES_DIR) + "/H200_TP1P_TP1D");
  return p;
}

ReplayOptions options() {
  ReplayOptions o;
  o.ttft_ms = 200;
  o.itl_ms = 10;
  o.prefill_model = PrefillModel::chunked;
  o.prefix_cache_tokens = static_cast<std::int64_t>(profile().decode.max_kv_tokens);
  o.router = PrefillRouter::round_robin;
  o.prefill_fixed_latency_ms = estimate_prefill_fixed_latency_ms(profile());
  return o;
}

/// The sinusoidal example trace, read once.
const ReplayWorkload& seed_trace() {
  static const ReplayWorkload w = load_replay_workload(std::string(SLA_PLANNER_TEST_DATA_DIR) + "/traces/rr-5-45_i3000o300.jsonl");
  return w;
}

/// The replay model of options() on the profile (also the attainment policy's model of the fleet).
FleetSimulator<> simulator(const ProfilePerfModel& perf) {
  return FleetSimulator<>(ProfileServiceModel(perf), options(), PrefillCostModel(profile().prefill, options().prefill_fixed_latency_ms));
}

/// A policy wrapped: everything but decide() forwarded to `inner`.
template <class P>
struct Forwarder : PlanningPolicy {
  P inner;
  explicit Forwarder(P p) : inner(std::move(p)) {}
  std::string name() const override { return inner.name(); }
  double tick_interval_s() const override { return inner.tick_interval_s(); }
  bool wants_worker_loads() const override { return inner.wants_worker_loads(); }
};

/// Forwards to a policy and keeps a copy of it (and the observation) from before the busiest tick.
template <class P>
struct PeakCatcher final : Forwarder<P> {
  using Forwarder<P>::Forwarder;
  std::unique_ptr<P> at_peak;
  FleetObservation peak_obs;
  Decision decide(const FleetObservation& o) override {
    if (!at_peak || o.num_req > peak_obs.num_req) {
      at_peak = std::make_unique<P>(this->inner);
      peak_obs = o;
    }
    return this->inner.decide(o);
  }
};

template <class P>
void run(benchmark::State& state, P policy) {
  const ReplayWorkload& w = seed_trace();
  const ProfilePerfModel perf(profile());
  const FleetSimulator<> sim = simulator(perf);
  PeakCatcher<P> catcher(std::move(policy));
  sim.run_policy(w, catcher);
  for (auto _ : state) {
    state.PauseTiming();
    P p = *catcher.at_peak;
    state.ResumeTiming();
    benchmark::DoNotOptimize(p.decide(catcher.peak_obs));
  }
  state.counters["peak_req_per_s"] = catcher.peak_obs.num_req / catcher.peak_obs.duration_s;
}

/// Forwards to a policy and times every decision.
template <class P>
struct DecisionTimer final : Forwarder<P> {
  using Forwarder<P>::Forwarder;
  std::vector<double> ms;
  Decision decide(const FleetObservation& o) override {
    const auto t0 = std::chrono::steady_clock::now();
    Decision d = this->inner.decide(o);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    return d;
  }
};

PlannerConfig config() {
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  c.max_gpu_budget = 12;
  return c;
}

void BM_DecisionAtPeak_attainment(benchmark::State& state) {
  const ProfilePerfModel perf(profile());
  const FleetSimulator<> model = simulator(perf);
  run(state, AttainmentPolicy<ProfilePerfModel>(config(), {}, perf, model));
}
void BM_DecisionAtPeak_attainment_unlimited(benchmark::State& state) {
  const ProfilePerfModel perf(profile());
  const FleetSimulator<> model = simulator(perf);
  AttainmentParams unlimited;
  unlimited.max_scale_down = 0;
  run(state, AttainmentPolicy<ProfilePerfModel>(config(), unlimited, perf, model));
}
/// One whole replay per iteration (registered with one iteration per repetition); the counters
/// are that replay's median and longest decision.
void BM_EveryDecision_attainment(benchmark::State& state) {
  const ReplayWorkload& w = seed_trace();
  const ProfilePerfModel perf(profile());
  const FleetSimulator<> sim = simulator(perf);
  std::vector<double> ms;
  for (auto _ : state) {
    DecisionTimer<AttainmentPolicy<ProfilePerfModel>> timer(AttainmentPolicy<ProfilePerfModel>(config(), {}, perf, sim));
    benchmark::DoNotOptimize(sim.run_policy(w, timer));
    ms = timer.ms;
  }
  std::sort(ms.begin(), ms.end());
  state.counters["decisions"] = static_cast<double>(ms.size());
  state.counters["decision_median_ms"] = ms[ms.size() / 2];
  state.counters["decision_max_ms"] = ms.back();
}
void BM_DecisionAtPeak_throughput(benchmark::State& state) {
  run(state, ThroughputPolicy<ProfilePerfModel>(config(), ProfilePerfModel(profile())));
}

}  // namespace

// The minimum beside the median: on a shared machine the least disturbed repetition.
double fastest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

BENCHMARK(BM_DecisionAtPeak_attainment)->Unit(benchmark::kMillisecond)->Repetitions(9)->ComputeStatistics("min", fastest)->ReportAggregatesOnly(true);
BENCHMARK(BM_DecisionAtPeak_attainment_unlimited)->Unit(benchmark::kMillisecond)->Repetitions(9)->ComputeStatistics("min", fastest)->ReportAggregatesOnly(true);
BENCHMARK(BM_EveryDecision_attainment)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_DecisionAtPeak_throughput)->Unit(benchmark::kMillisecond)->Repetitions(9)->ComputeStatistics("min", fastest)->ReportAggregatesOnly(true);
BENCHMARK_MAIN();
