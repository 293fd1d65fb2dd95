// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings of a deployment search (FleetSearch), LBFGSpp Param.h style.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>

namespace sla_planner {

/// How FleetSearch ranks candidates, prunes and uses threads. validate() checks every field.
struct FleetSearchOptions {
  /// Fraction of requests that must meet both TTFT and ITL targets, in (0, 1].
  double attainment_target = 0.95;
  /// Relative GPU-hour difference within which two candidates cost the same; among those the one
  /// with the higher goodput per GPU is recommended. >= 0.
  double cost_tolerance = 0.01;
  /// Skip static fleets that cannot be recommended because even their least possible GPU-hours
  /// exceed those of a cheaper fleet already known to meet the target (changes no recommendation;
  /// pruned fleets are listed but not replayed).
  bool prune = true;
  /// Most GPUs a static candidate may hold; a larger one is rejected. -1: no limit.
  long long max_gpu_budget = -1;
  /// Threads replaying candidates; 0 uses every core.
  unsigned threads = 0;
  /// Called with (candidates done, candidates in total) after each candidate, from one thread at
  /// a time; for a progress display. May be empty.
  std::function<void(std::size_t, std::size_t)> progress;

  /// \throws std::invalid_argument naming the field, its range and the value
  void validate() const {
    if (!(attainment_target > 0 && attainment_target <= 1))
      throw std::invalid_argument("'attainment_target' must be in (0, 1], got " + text(attainment_target));
    if (!(cost_tolerance >= 0) || !std::isfinite(cost_tolerance))
      throw std::invalid_argument("'cost_tolerance' must be >= 0, got " + text(cost_tolerance));
    if (max_gpu_budget != -1 && max_gpu_budget < 1)
      throw std::invalid_argument("'max_gpu_budget' must be >= 1 or -1 (no limit), got " + std::to_string(max_gpu_budget));
  }

private:
  static std::string text(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.17g", v);
    return b;
  }
};

}  // namespace sla_planner
