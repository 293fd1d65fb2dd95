// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The interface every planning policy shares (the throughput rules of NVIDIA Dynamo's SLA planner,
// its load-based rules, and policies that simulate candidate fleets), shaped after the tick loop
// of Dynamo's planner (components/src/dynamo/planner/core: one decision per scheduled tick from
// the observations of that tick).
#pragma once

#include <string>
#include <vector>

#include "sla_planner/planner/decision.hpp"
#include "sla_planner/planner/fleet_observation.hpp"

namespace sla_planner {

/// A planning policy: every tick_interval_s() seconds it is shown what the deployment exposed
/// during the last tick and answers with the engine counts to run.
///
/// How a replay (or a live controller) drives it:
/// 1. Before the first tick, set the fleet to its starting counts.
/// 2. At every multiple of tick_interval_s(), build a FleetObservation over the tick that just
///    ended (frontend counters and histograms, means of TTFT/ITL/duration, prefix hit rate,
///    deployed and ready engine counts, and — when wants_worker_loads() — the per-engine queue and
///    KV state at the tick), call decide(), and apply Decision::num_prefill / num_decode: start
///    the missing engines (they serve after their start-up delay) and drain the surplus.
/// 3. Keep every Decision; its notes say why.
///
/// A policy never reads the requests or the clock; it only learns through decide(). Policies
/// are stateful (predictor history, correction factors, floors) and deterministic: the same
/// observations give the same decisions. Thread-compatible: one policy per thread.
class PlanningPolicy {
public:
  virtual ~PlanningPolicy() = default;

  /// Short name ("throughput", "load", ...), as in `--policy NAME`.
  virtual std::string name() const = 0;
  /// Seconds between two decisions.
  virtual double tick_interval_s() const = 0;
  /// Whether decide() uses FleetObservation::prefill_workers / decode_workers (a replay can skip
  /// collecting them otherwise).
  virtual bool wants_worker_loads() const { return false; }
  /// Decides the engine counts for the next tick from what the last tick showed. The result
  /// never exceeds the GPU budget and never goes below min_endpoint.
  virtual Decision decide(const FleetObservation& obs) = 0;
  /// Pre-feeds the policy's load predictors with per-interval history (request counts, mean ISL,
  /// mean OSL; equal lengths), e.g. a trace's first hours before a replay. Policies without
  /// predictors ignore it.
  virtual void warm_up(const std::vector<double>& num_req, const std::vector<double>& isl, const std::vector<double>& osl) {
    (void)num_req, (void)isl, (void)osl;
  }
};

}  // namespace sla_planner
