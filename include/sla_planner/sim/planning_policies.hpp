// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Every planning policy by name, as `--policy NAME` selects it: NVIDIA Dynamo's throughput rules
// ("throughput"), its load-based scaling ("load"), and the attainment-targeting policy
// ("attainment"), which simulates candidate fleets and so needs a model of the fleet.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/planner/load_policy.hpp"
#include "sla_planner/planner/load_policy_params.hpp"
#include "sla_planner/planner/make_policy.hpp"
#include "sla_planner/planner/throughput_policy.hpp"
#include "sla_planner/sim/attainment_params.hpp"
#include "sla_planner/sim/attainment_policy.hpp"
#include "sla_planner/sim/fleet_simulator.hpp"

namespace sla_planner {

/// The policies' names: make_policy's ("throughput", "load") and "attainment".
inline const std::vector<std::string>& planning_policy_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = policy_names();
    n.push_back("attainment");
    return n;
  }();
  return names;
}

/// Parameters of the policies that have their own (the others use PlannerConfig only).
struct PolicyParams {
  LoadPolicyParams load;
  AttainmentParams attainment;
};

/// Builds the policy called `name` over the performance model `perf`; "attainment" simulates
/// with `model` (its options describe the fleet: start-up delay, prefill model, caching, routing).
/// \throws std::invalid_argument for an unknown name or invalid settings
template <class Perf, class Service>
std::unique_ptr<PlanningPolicy> make_planning_policy(const std::string& name, const PlannerConfig& config, const Perf& perf,
                                                     const FleetSimulator<Service>& model, const PolicyParams& params = {}) {
  if (name == "attainment")
    return std::make_unique<AttainmentPolicy<Perf, Service>>(config, params.attainment, perf, model);
  if (name == "throughput" || name == "load") return make_policy(name, config, perf, params.load);
  throw std::invalid_argument("'policy' must be one of " + name_list(planning_policy_names()) + ", got '" + name + "'");
}

}  // namespace sla_planner
