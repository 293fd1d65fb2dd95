// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// How long the simulated workers take, read from a profile — the same data the planner sizes
// the fleet with, so that a replay measures the planner against its own model of the hardware.
//   prefill: the TTFT the profile measured for one request of that ISL alone on a prefill engine
//            (PrefillInterpolator: not-a-knot cubic spline, ISL clamped to the profiled range);
//   decode:  one step of a continuous batch takes the ITL of the decode interpolant (SciPy's
//            Clough–Tocher, DecodeInterpolator::evaluate_exact) at the batch's KV usage and mean
//            context, the interpolant evaluated at the point itself (not on the 100×100 grid),
//            the point clamped into [0, 1] × [0, max profiled context] and taking the nearest
//            profiled point's value outside the data's convex hull.
// The profiler (Dynamo's profile_sla.py) records decode points at kv_usage =
// concurrency × (isl + osl/2) / max_kv_tokens and context = isl + osl/2, so a request counts
// isl + osl/2 tokens towards both (see FleetSimulator).
// estimate_prefill_fixed_latency_ms: the profiled TTFT is measured at the client (genai-perf
// through the frontend) one request at a time, so it includes latency that does not occupy the
// engine — the request and response path, which vLLM V1 runs in its API-server process, apart
// from the engine core.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "sla_planner/interp/profile_model.hpp"
#include "sla_planner/profile/profile.hpp"

namespace sla_planner {

/// The simulator's name for ProfileModel (kept for existing code; the planner's is ProfilePerfModel).
/// FleetSimulator takes any type with prefill_ms(isl), decode_step_ms(kv_usage, mean_context) and
/// max_kv_tokens(), e.g. round numbers in tests.
using ProfileServiceModel = ProfileModel;

/// An estimate from the profile of the part of every prefill TTFT that does not occupy the prefill
/// engine (for ReplayOptions::prefill_fixed_latency_ms): the TTFT line through the two smallest
/// profiled ISLs, extrapolated to ISL 0 (what does not grow with the prompt), minus the fastest
/// profiled decode step (one forward pass of the engine at batch 1, which does occupy it). What is
/// left is the request and response path. Clamped to [0, smallest profiled TTFT]; 0 when the
/// profile cannot tell (fewer than two distinct ISLs, no decode point). H200_TP1P_TP1D: 13.28 ms
/// (intercept 17.66 ms, fastest step 4.38 ms).
inline double estimate_prefill_fixed_latency_ms(const Profile& p) {
  const std::vector<double>& isl = p.prefill.isl;
  const std::vector<double>& ttft = p.prefill.ttft_ms;
  if (isl.size() < 2 || ttft.size() != isl.size() || p.decode.itl_ms.empty()) return 0.0;
  std::vector<std::size_t> order(isl.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return isl[a] < isl[b]; });
  const double x0 = isl[order[0]], y0 = ttft[order[0]], x1 = isl[order[1]], y1 = ttft[order[1]];
  if (!(x1 > x0)) return 0.0;
  const double intercept = y0 - (y1 - y0) / (x1 - x0) * x0;
  const double fastest_step = *std::min_element(p.decode.itl_ms.begin(), p.decode.itl_ms.end());
  const double v = intercept - fastest_step;
  if (!std::isfinite(v)) return 0.0;
  return std::max(0.0, std::min(v, y0));
}

}  // namespace sla_planner
