// A consumer of the installed sla_planner package: a header of every area, a profile loaded from
// files, both interpolators, a planner decision and a short replay.
#include <cstdio>

#include <sla_planner/formats/profile_loader.hpp>
#include <sla_planner/interp/profile_model.hpp>
#include <sla_planner/planner/planner.hpp>
#include <sla_planner/predict/load_predictor.hpp>
#include <sla_planner/profile/profile.hpp>
#include <sla_planner/sim/fleet_simulator.hpp>
#include <sla_planner/trace/interval_series.hpp>
#include <sla_planner/util/percentile.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  using namespace sla_planner;
  const Profile profile = load_profile(argv[1]);
  const ProfileModel model(profile);  // needs Qhull through the package
  const auto best = model.decode_best(10.0, 3150.0);
  std::printf("TTFT at ISL 3000: %.2f ms\n", model.prefill_ttft_ms(3000));
  std::printf("decode at context 3150, ITL <= 10 ms: %.2f%% KV usage, %.2f tokens/s/GPU\n", 100 * best.kv_usage,
              best.thpt_per_gpu);
  PlannerConfig c;
  c.ttft_ms = 200;
  c.itl_ms = 10;
  Planner planner(c, model);
  Metrics m;
  m.num_req = 1500;
  m.isl = 3000;
  m.osl = 300;
  planner.observe(m);
  const Decision d = planner.plan({1, 1});
  ReplayOptions o;
  o.ttft_ms = 200;
  o.itl_ms = 10;
  const FleetSimulator<> sim(model, o);
  const ReplayResult r = sim.run_static({{0, 3000, 300}, {100, 3000, 300}}, StaticFleet::parse("1P1D"));
  std::printf("plan for 25 req/s: %lldP%lldD; replay of two requests: %zu good\n", d.num_prefill, d.num_decode, r.good);
  return model.prefill_ttft_ms(3000) > 0 && best.kv_index == 16 && best.itl_ms <= 10.0 && r.good == 2 ? 0 : 1;
}
