// Fleet replay speed on the sinusoidal example trace (44,941 requests, in memory: no file reading).
//   BM_ReplayStatic/<P>/<D>   a fixed fleet, e.g. 2P2D
//   BM_ReplayPlanner          the planner's fleet (constant predictor, decisions every 60 s)
//   BM_ReplayConversation     the Mooncake conversation trace (ISL and OSL vary per request) on 4P4D
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sla_planner/formats/trace_loaders.hpp"
#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"

namespace {

using namespace sla_planner;

const Profile& profile() {
  static const Profile p = load_profile(std::string(SLA_PLANNER_PROFILES_DIR) + "/H200_TP1P_TP1D");
  return p;
}
const std::vector<ReplayRequest>& trace(const char* name) {
  static std::vector<ReplayRequest> seed, conv;
  std::vector<ReplayRequest>& t = std::string(name) == "seed" ? seed : conv;
  if (t.empty())
    t = load_replay_requests(std::string(SLA_PLANNER_TEST_DATA_DIR) + "/traces/" +
                             (std::string(name) == "seed" ? "rr-5-45_i3000o300.jsonl" : "mooncake_conversation_trace.jsonl"));
  return t;
}
ReplayOptions options() {
  ReplayOptions o;
  o.ttft_ms = 200;
  o.itl_ms = 10;
  return o;
}

void BM_ReplayStatic(benchmark::State& state) {
  const FleetSimulator<> sim(ProfileServiceModel(profile()), options());
  StaticFleet f;
  f.num_prefill = state.range(0);
  f.num_decode = state.range(1);
  const auto& reqs = trace("seed");
  for (auto _ : state) benchmark::DoNotOptimize(sim.run_static(reqs, f).good);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * reqs.size()));
}
BENCHMARK(BM_ReplayStatic)->Args({3, 1})->Args({2, 2})->Args({3, 3})->Unit(benchmark::kMillisecond);

void BM_ReplayPlanner(benchmark::State& state) {
  const FleetSimulator<> sim(ProfileServiceModel(profile()), options());
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  c.load_predictor = PredictorKind::Constant;
  c.no_correction = true;
  const auto& reqs = trace("seed");
  for (auto _ : state) {
    Planner planner(c, ProfilePerfModel(profile()));
    benchmark::DoNotOptimize(sim.run_planner(reqs, planner).good);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * reqs.size()));
}
BENCHMARK(BM_ReplayPlanner)->Unit(benchmark::kMillisecond);

void BM_ReplayConversation(benchmark::State& state) {
  const FleetSimulator<> sim(ProfileServiceModel(profile()), options());
  StaticFleet f;
  f.num_prefill = 4;
  f.num_decode = 4;
  const auto& reqs = trace("conv");
  for (auto _ : state) benchmark::DoNotOptimize(sim.run_static(reqs, f).good);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * reqs.size()));
}
BENCHMARK(BM_ReplayConversation)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
