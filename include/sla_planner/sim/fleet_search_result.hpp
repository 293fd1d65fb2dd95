// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// What a deployment search (FleetSearch) found: every candidate's replay, their ranking, the
// recommendation (the cheapest candidate meeting the attainment target) or the closest one, and
// the GPU-hours/attainment Pareto front; and what FleetSearch::max_rate found for one fleet.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sla_planner/sim/fleet_candidate.hpp"
#include "sla_planner/sim/replay_result.hpp"

namespace sla_planner {

/// One candidate of a search and its replay.
struct CandidateResult {
  FleetCandidate candidate;              ///< what was (or would have been) replayed
  double cost_lower_bound_gpu_hours = 0; ///< least GPU-hours it can cost (0 for a planner)
  bool replayed = false;                 ///< false: pruned (it could not be recommended)
  bool meets_target = false;             ///< replayed and its attainment >= the target
  ReplayResult replay;                   ///< the replay's numbers (empty when pruned)

  /// Fraction of requests meeting both targets (0 when not replayed).
  double attainment() const {
    return replay.requests ? static_cast<double>(replay.good) / static_cast<double>(replay.requests) : 0.0;
  }
};

/// The outcome of FleetSearch::run.
struct FleetSearchResult {
  double attainment_target = 0.95;           ///< the fraction the recommendation must reach
  std::vector<CandidateResult> candidates;   ///< in the order they were given
  /// Indices into `candidates`, best first: the recommendation, the other candidates meeting the
  /// target by GPU-hours, those missing it by attainment (highest first), then the pruned ones.
  std::vector<std::size_t> ranking;
  /// The cheapest candidate meeting the target (GPU-hours within the cost tolerance tie; then the
  /// higher goodput per GPU); empty when none does.
  std::optional<std::size_t> recommendation;
  /// When none meets the target: the one with the highest attainment (ties: fewer GPU-hours).
  std::optional<std::size_t> closest;
  /// Replayed candidates no other one beats in both GPU-hours (lower) and attainment (higher),
  /// cheapest first.
  std::vector<std::size_t> pareto_front;
  std::size_t replayed = 0;  ///< candidates replayed
  std::size_t pruned = 0;    ///< candidates skipped by pruning
  /// False when a replay cost less than the lower bound pruning relies on (a model that frees
  /// GPUs of a static fleet early); the pruned candidates were then replayed after all.
  bool prune_bound_held = true;
};

/// The outcome of FleetSearch::max_rate: the highest time scale (arrivals X times faster) at which
/// the fleet still meets the attainment target.
struct MaxRateResult {
  double trace_rate_rps = 0;  ///< the trace's mean request rate: requests / arrival span (s)
  /// Highest scale found to meet the target (0 when not even MaxRateOptions::min_scale does).
  double scale = 0;
  /// Lowest scale above `scale` found to miss it (infinity when MaxRateOptions::max_scale still
  /// meets it).
  double fail_scale = 0;
  double rate_rps = 0;        ///< trace_rate_rps × scale
  double fail_rate_rps = 0;   ///< trace_rate_rps × fail_scale
  std::size_t replays = 0;    ///< replays the search took
  ReplayResult at_scale;      ///< the replay at `scale` (empty when scale is 0)
  ReplayResult at_fail_scale; ///< the replay at `fail_scale` (empty when it is infinite)
};

}  // namespace sla_planner
