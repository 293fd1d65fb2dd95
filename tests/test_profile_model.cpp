// ProfileModel: one set of interpolators shared by the planner, the simulator and their copies.
#include <catch2/catch.hpp>

#include <vector>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/interp/profile_model.hpp"
#include "sla_planner/planner/planner.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"
#include "test_helpers.hpp"

using namespace sla_planner;

namespace {
const Profile& h200() {
  static const Profile p = load_profile(test::profile_path("H200_TP1P_TP1D"));
  return p;
}
}  // namespace

TEST_CASE("ProfileModel answers the planner and the simulator from the same interpolators") {
  const ProfileModel m(h200());
  const PrefillInterpolator prefill(h200().prefill);
  const DecodeInterpolator decode(h200().decode);
  CHECK(m.prefill_ttft_ms(3000) == prefill.ttft_ms(3000));
  CHECK(m.prefill_ms(3000) == prefill.ttft_ms(3000));
  CHECK(m.prefill_thpt_per_gpu(3000) == prefill.thpt_per_gpu(3000));
  CHECK(m.decode_itl_ms(10, 3150) == decode.interpolate_itl_ms(10, 3150));
  CHECK(m.decode_step_ms(0.2, 3150) == decode.evaluate_exact(0.2, 3150).first);
  CHECK(m.decode_best(10, 3150).thpt_per_gpu == decode.find_best_throughput_per_gpu(10, 3150).thpt_per_gpu);
  CHECK(m.max_kv_tokens() == h200().decode.max_kv_tokens);
  // The README example's numbers (perf_interpolation): TTFT 60.46 ms at ISL 3000.
  CHECK(m.prefill_ttft_ms(3000) == Approx(60.45866867507648).epsilon(1e-12));
}

TEST_CASE("copies of a ProfileModel share one set of grids: a replay of 36 fleets holds one copy") {
  const ProfileModel m(h200());
  CHECK(m.use_count() == 1);
  PlannerConfig c;
  c.load_predictor = PredictorKind::Constant;
  Planner planner(c, m);  // the planner's model
  ReplayOptions o;
  const FleetSimulator<> sim(m, o);  // the simulator's
  CHECK(planner.perf().same_state(m));
  CHECK(sim.service().same_state(m));
  std::vector<FleetSimulator<>> fleets;
  for (int k = 0; k < 36; ++k) fleets.emplace_back(sim.service(), o);  // as planner_replay builds one per fleet
  for (const auto& f : fleets) CHECK(f.service().same_state(m));
  CHECK(m.use_count() == 3 + 36);
  // A model built again from the profile is a second copy.
  const ProfileModel other(h200());
  CHECK_FALSE(other.same_state(m));
  CHECK(&other.decode().itl_ms_grid() != &m.decode().itl_ms_grid());
  CHECK(&fleets.back().service().decode().itl_ms_grid() == &m.decode().itl_ms_grid());
}
