// A consumer of the installed sla_planner package: load a profile, query it.
#include <cstdio>

#include <sla_planner/interp/prefill_interpolator.hpp>
#include <sla_planner/profile/profile.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const auto profile = sla_planner::Profile::load(argv[1]);
  const sla_planner::PrefillInterpolator prefill(profile.prefill);
  std::printf("TTFT at ISL 3000: %.2f ms\n", prefill.ttft_ms(3000));
  return prefill.ttft_ms(3000) > 0 ? 0 : 1;
}
