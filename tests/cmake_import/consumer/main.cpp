// A consumer of the installed sla_planner package: load a profile, query both interpolators.
#include <cstdio>

#include <sla_planner/interp/decode_interpolator.hpp>
#include <sla_planner/interp/prefill_interpolator.hpp>
#include <sla_planner/profile/profile.hpp>
#include "sla_planner/formats/profile_loader.hpp"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const auto profile = sla_planner::load_profile(argv[1]);
  const sla_planner::PrefillInterpolator prefill(profile.prefill);
  const sla_planner::DecodeInterpolator decode(profile.decode);  // needs Qhull through the package
  const auto best = decode.find_best_throughput_per_gpu(10.0, 3150.0);
  std::printf("TTFT at ISL 3000: %.2f ms\n", prefill.ttft_ms(3000));
  std::printf("decode at context 3150, ITL <= 10 ms: %.2f%% KV usage, %.2f tokens/s/GPU\n", 100 * best.kv_usage,
              best.thpt_per_gpu);
  return prefill.ttft_ms(3000) > 0 && best.kv_index == 16 && best.itl_ms <= 10.0 ? 0 : 1;
}
