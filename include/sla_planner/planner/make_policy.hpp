// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Policy selection by name, as a `--policy NAME` flag does: the throughput rules of NVIDIA
// Dynamo's SLA planner ("throughput") or its load-based scaling ("load").
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/planner/load_policy.hpp"
#include "sla_planner/planner/planning_policy.hpp"
#include "sla_planner/planner/throughput_policy.hpp"

namespace sla_planner {

/// Names make_policy accepts, in the order of its error message; a tool's `--policy` choices.
inline const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names{"throughput", "load"};
  return names;
}

/// "a, b, c": a list of names as an error message or a help text shows the choices.
inline std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// Builds the policy called `name` over the performance model `perf`. `load` is used by "load"
/// only. \throws std::invalid_argument for an unknown name or invalid settings
template <class Perf>
std::unique_ptr<PlanningPolicy> make_policy(const std::string& name, PlannerConfig config, Perf perf,
                                            LoadPolicyParams load = {}) {
  if (name == "throughput") return std::make_unique<ThroughputPolicy<Perf>>(std::move(config), std::move(perf));
  if (name == "load") return std::make_unique<LoadPolicy<Perf>>(std::move(config), std::move(load), std::move(perf));
  throw std::invalid_argument("'policy' must be one of " + name_list(policy_names()) + ", got '" + name + "'");
}

}  // namespace sla_planner
