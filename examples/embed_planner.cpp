// Embedding the planner in a service: every adjustment interval, feed it what was observed and
// apply its decision. The metrics here come from a made-up source (a daily-ish sinusoidal load
// whose latencies grow with the load per engine); in a real service they come from your metrics
// system, and the decision goes to your orchestrator.
#include <cmath>
#include <cstdio>
#include <string>

#include <sla_planner/planner/planner.hpp>
#include "sla_planner/formats/profile_loader.hpp"

namespace {
/// A stand-in for a metrics system: what the fleet would have observed in interval `t`.
sla_planner::Metrics observe_fleet(int t, const sla_planner::WorkerCounts& fleet) {
  const double num_req = 1500 + 1200 * std::sin(2 * M_PI * t / 24.0) + 150 * std::sin(1.7 * t);
  sla_planner::Metrics m;
  m.num_req = std::max(0.0, num_req);
  m.isl = 3000 + 200 * std::sin(0.9 * t);
  m.osl = 300;
  const double per_prefill = *m.num_req / static_cast<double>(fleet.prefill);
  m.ttft_ms = 60 + 0.05 * per_prefill;                           // queueing grows with load per engine
  m.itl_ms = 7 + 0.002 * *m.num_req / static_cast<double>(fleet.decode);
  m.request_duration_s = 0.06 + 300 * *m.itl_ms / 1000;
  return m;
}
}  // namespace

int main(int argc, char** argv) try {
  using namespace sla_planner;
  PlannerConfig config;            // defaults: ARIMA, 60 s interval, budget 8 GPUs
  config.ttft_ms = 200;
  config.itl_ms = 10;
  config.validate();
  const Profile profile = load_profile(argc > 1 ? argv[1] : "profiling_results/H200_TP1P_TP1D");
  Planner planner(config, ProfilePerfModel(profile));

  WorkerCounts fleet{1, 1};
  for (int t = 0; t < 24; ++t) {   // one iteration per adjustment interval
    const Metrics m = observe_fleet(t, fleet);
    planner.observe(m);
    const Decision d = planner.plan(fleet);
    std::printf("interval %2d: observed %5.0f req, TTFT %5.1f ms, ITL %5.2f ms | forecast %5.0f req -> %lld prefill + %lld decode (%lld GPUs)%s\n",
                t, *m.num_req, *m.ttft_ms, *m.itl_ms, d.predicted_num_req, d.num_prefill, d.num_decode, d.gpus,
                d.budget_limited ? ", budget-limited" : "");
    fleet = {d.num_prefill, d.num_decode};  // here: tell the orchestrator
  }
  std::printf("why the last decision:\n");
  const Decision last = planner.plan(fleet);
  for (const std::string& note : last.notes) std::printf("  %s\n", note.c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "embed_planner: %s\n", e.what());
  return 1;
}
