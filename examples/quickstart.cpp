// Quickstart (the README's "library in C++"): what one GPU sustains for ISL 3000 / OSL 300.
#include <cstdio>
#include <sla_planner/interp/decode_interpolator.hpp>
#include <sla_planner/interp/prefill_interpolator.hpp>
#include <sla_planner/profile/profile.hpp>
#include <sla_planner/formats/profile_loader.hpp>

int main(int argc, char** argv) try {
  using namespace sla_planner;
  const Profile profile = load_profile(argc > 1 ? argv[1] : "profiling_results/H200_TP1P_TP1D");
  const PrefillInterpolator prefill(profile.prefill);  // not-a-knot cubic splines over ISL
  const DecodeInterpolator decode(profile.decode);     // Clough-Tocher grids, Dynamo's lookups

  const double isl = 3000, osl = 300, itl_target_ms = 10;
  std::printf("prefill: TTFT %.2f ms, %.0f tokens/s/GPU\n", prefill.ttft_ms(isl), prefill.thpt_per_gpu(isl));
  const DecodeOperatingPoint best = decode.find_best_throughput_per_gpu(itl_target_ms, isl + osl / 2);
  std::printf("decode: ITL %.2f ms at %.2f%% KV usage, %.0f tokens/s/GPU\n", best.itl_ms, 100 * best.kv_usage,
              best.thpt_per_gpu);
} catch (const std::exception& e) {  // DataError: one line naming the file and the problem
  std::fprintf(stderr, "quickstart: %s\n", e.what());
  return 1;
}
