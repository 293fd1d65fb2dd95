// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Parameters of AttainmentPolicy (attainment_policy.hpp), LBFGSpp Param.h style: every field has
// its default here and validate() names the field and its range.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sla_planner/util/checks.hpp"

namespace sla_planner {

/// How AttainmentPolicy forecasts, simulates and chooses.
struct AttainmentParams {
  /// Share of requests (0..1] that must meet both targets over the horizon for a fleet to be
  /// chosen (`--attainment-target`).
  double attainment_target = 0.95;
  /// Seconds of the last tick's load replayed on the ready fleet before the horizon starts, so
  /// that queues and decode batches are as full as they are now. 0: four times the observed mean
  /// request duration, between 10 s and one tick.
  double warmup_s = 0.0;
  /// Continue the forecast's direction and the observed trend over the horizon (rises fully,
  /// falls at half speed), so that engines started now are ready when the load arrives.
  bool follow_trend = true;
  /// Correct the simulated prefill and decode times from the observed mean TTFT and ITL against
  /// what the simulation predicted for the same tick (off with PlannerConfig::no_correction too).
  bool correct = true;
  /// Fewest requests arriving after the start-up delay that a decision's simulation holds: a light
  /// load is drawn again (fresh arrivals and lengths, the same starting state) until the draws hold
  /// this many, at most max_draws times, so that its attainment is not judged on a handful of
  /// requests (with 200, one request is half a percentage point).
  std::size_t min_late_requests = 1000;
  /// Most draws of the horizon's workload per decision (>= 1).
  int max_draws = 8;
  /// Most candidate fleets replayed per decision (>= 1; a fleet's draws count as one, a fleet
  /// replayed again in full counts again; the correction's replay of the warm-up does not count).
  int max_simulations = 24;
  /// Most engines of one kind removed per decision (0: no limit). Scaling up is not limited: a
  /// fleet short of engines misses the target at once, while one engine too many costs a tick of
  /// its GPU. Removing too many on a noisy forecast costs a start-up delay to undo.
  int max_scale_down = 1;
  /// Seed of the arrival draw (the same seed for every candidate, so they are compared on the same
  /// arrivals).
  std::uint64_t seed = 0x5EED;

  /// \throws std::invalid_argument naming the field, its range and the value
  void validate() const {
    if (!(attainment_target > 0 && attainment_target <= 1))
      throw_param_error("attainment_target", "in (0, 1]", attainment_target);
    check_non_negative("warmup_s", warmup_s);
    check_at_least("max_draws", max_draws, 1);
    check_at_least("max_simulations", max_simulations, 1);
    check_at_least("max_scale_down", max_scale_down, 0);
  }
};

}  // namespace sla_planner
