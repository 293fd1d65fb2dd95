// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sla_planner/interp/profile_model.hpp"

namespace sla_planner {

/// The planner's name for ProfileModel (kept for existing code; the simulator's is ProfileServiceModel).
using ProfilePerfModel = ProfileModel;

}  // namespace sla_planner
