// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sla_planner/planner/basic_planner.hpp"
#include "sla_planner/planner/profile_perf_model.hpp"

namespace sla_planner {

/// The planner over the profile interpolators: `Planner planner(config, ProfilePerfModel(profile));`
using Planner = BasicPlanner<ProfilePerfModel>;

}  // namespace sla_planner
