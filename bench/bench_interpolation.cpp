// Benchmarks of the interpolation path of perf_interpolation: profile load, grid build, one query.
#include <benchmark/benchmark.h>

#include <string>

#include "sla_planner/formats/profile_loader.hpp"
#include "sla_planner/interp/decode_interpolator.hpp"
#include "sla_planner/interp/perf_estimate.hpp"
#include "sla_planner/interp/prefill_interpolator.hpp"
#include "sla_planner/profile/profile.hpp"

namespace {
const std::string kProfile = std::string(SLA_PLANNER_PROFILES_DIR) + "/H200_TP1P_TP1D";

/// Reads and validates both npz files of the bundled profile.
void BM_ProfileLoad(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sla_planner::load_profile(kProfile));
}
BENCHMARK(BM_ProfileLoad)->Unit(benchmark::kMicrosecond);

/// Qhull triangulation, gradient estimation and the 100 x 100 ITL and throughput grids.
void BM_DecodeGridBuild(benchmark::State& state) {
  const auto profile = sla_planner::load_profile(kProfile);
  sla_planner::DecodeInterpolatorOptions o;
  o.resolution = static_cast<int>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(sla_planner::DecodeInterpolator(profile.decode, o));
}
BENCHMARK(BM_DecodeGridBuild)->Arg(100)->Arg(400)->Unit(benchmark::kMicrosecond);

/// The Clough-Tocher interpolant alone (triangulation + gradients), without the grids.
void BM_CloughTocherBuild(benchmark::State& state) {
  const auto d = sla_planner::load_profile(kProfile).decode;
  const Eigen::Index n = static_cast<Eigen::Index>(d.kv_usage.size());
  sla_planner::CloughTocher2D::Points pts(n, 2);
  Eigen::MatrixXd vals(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    pts(i, 0) = d.kv_usage[k];
    pts(i, 1) = d.context_length[k];
    vals(i, 0) = d.itl_ms[k];
    vals(i, 1) = d.thpt_per_gpu[k];
  }
  for (auto _ : state) benchmark::DoNotOptimize(sla_planner::CloughTocher2D(pts, vals));
}
BENCHMARK(BM_CloughTocherBuild)->Unit(benchmark::kMicrosecond);

/// The prefill splines.
void BM_PrefillBuild(benchmark::State& state) {
  const auto profile = sla_planner::load_profile(kProfile);
  for (auto _ : state) benchmark::DoNotOptimize(sla_planner::PrefillInterpolator(profile.prefill));
}
BENCHMARK(BM_PrefillBuild)->Unit(benchmark::kMicrosecond);

/// One perf_interpolation query (prefill at the ISL, decode best throughput) on built interpolators.
void BM_Query(benchmark::State& state) {
  const auto profile = sla_planner::load_profile(kProfile);
  const sla_planner::PrefillInterpolator prefill(profile.prefill);
  sla_planner::DecodeInterpolatorOptions o;
  o.mode = state.range(0) ? sla_planner::DecodeMode::Exact : sla_planner::DecodeMode::Reference;
  const sla_planner::DecodeInterpolator decode(profile.decode, o);
  sla_planner::PerfQuery q;
  q.osl = 300;
  q.ttft_ms = 200;
  for (auto _ : state) benchmark::DoNotOptimize(sla_planner::estimate_performance(prefill, decode, q));
  state.SetLabel(state.range(0) ? "exact" : "reference");
}
BENCHMARK(BM_Query)->Arg(0)->Arg(1)->Unit(benchmark::kNanosecond);

/// Everything perf_interpolation does between parsing flags and printing.
void BM_EndToEnd(benchmark::State& state) {
  sla_planner::PerfQuery q;
  q.osl = 300;
  q.ttft_ms = 200;
  for (auto _ : state) {
    const auto profile = sla_planner::load_profile(kProfile);
    const sla_planner::PrefillInterpolator prefill(profile.prefill);
    const sla_planner::DecodeInterpolator decode(profile.decode);
    benchmark::DoNotOptimize(sla_planner::estimate_performance(prefill, decode, q));
  }
}
BENCHMARK(BM_EndToEnd)->Unit(benchmark::kMicrosecond);
}  // namespace

BENCHMARK_MAIN();
