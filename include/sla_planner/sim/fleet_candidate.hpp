// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One deployment a search compares: a static fleet (P prefill engines of one configuration and D
// decode engines of another) or a planner policy named by a string, which the search's replay
// callable knows how to run. Named as planner_replay names fleets ("3P2D", "planner-<policy>"),
// with "@<prefill label>/<decode label>" when the search spans several engine configurations.
#pragma once

#include <cstddef>
#include <string>

#include "sla_planner/sim/static_fleet.hpp"

namespace sla_planner {

/// A candidate deployment of a search.
struct FleetCandidate {
  /// Unique name in the search ("3P2D", "planner-throughput", "3P2D@tp2/tp4").
  std::string name;
  /// Empty for a static fleet; otherwise the planner policy that sizes the fleet.
  std::string policy;
  /// A static fleet's engine counts and GPUs per engine; for a planner only the GPUs per engine
  /// are meaningful (the counts are the planner's to choose).
  StaticFleet fleet;
  /// Index of the engine configuration the prefill engines use.
  std::size_t prefill_config = 0;
  /// Index of the engine configuration the decode engines use.
  std::size_t decode_config = 0;

  /// True for a static fleet, false for a planner policy.
  bool is_static() const noexcept { return policy.empty(); }
  /// GPUs a static fleet holds (P × GPUs per prefill engine + D × GPUs per decode engine); 0 for a
  /// planner, whose count changes over the replay.
  long long gpus() const noexcept {
    return is_static() ? fleet.num_prefill * fleet.prefill_engine_num_gpu + fleet.num_decode * fleet.decode_engine_num_gpu
                       : 0;
  }
};

}  // namespace sla_planner
