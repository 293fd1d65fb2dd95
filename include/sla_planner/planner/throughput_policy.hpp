// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// NVIDIA Dynamo's throughput-based planning rules (planner_core.py; BasicPlanner here) behind the
// common PlanningPolicy interface: one tick is one adjustment interval.
#pragma once

#include <string>
#include <utility>

#include "sla_planner/planner/basic_planner.hpp"
#include "sla_planner/planner/planning_policy.hpp"

namespace sla_planner {

/// The throughput rules as a PlanningPolicy. Each decide() is exactly
/// `planner.observe(obs.to_metrics()); planner.plan(obs.deployed)`, so its decisions are the
/// BasicPlanner's, number for number.
template <class Perf>
class ThroughputPolicy final : public PlanningPolicy {
public:
  /// \throws std::invalid_argument when the config is invalid
  ThroughputPolicy(PlannerConfig config, Perf perf) : planner_(std::move(config), std::move(perf)) {}
  /// Wraps an existing (e.g. warmed-up) planner.
  explicit ThroughputPolicy(BasicPlanner<Perf> planner) : planner_(std::move(planner)) {}

  std::string name() const override { return "throughput"; }
  double tick_interval_s() const override { return planner_.config().adjustment_interval_s; }
  void warm_up(const std::vector<double>& num_req, const std::vector<double>& isl, const std::vector<double>& osl) override {
    planner_.warm_up(num_req, isl, osl);
  }
  Decision decide(const FleetObservation& obs) override {
    planner_.observe(obs.to_metrics());
    return planner_.plan(obs.deployed);
  }

  BasicPlanner<Perf>& planner() noexcept { return planner_; }
  const BasicPlanner<Perf>& planner() const noexcept { return planner_; }

private:
  BasicPlanner<Perf> planner_;
};

}  // namespace sla_planner
