// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// PlannerConfig as JSON: the keys of PlannerConfig::settings() (the Python planner's `ttft`, `itl`
// and `adjustment_interval` accepted as aliases).
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "sla_planner/formats/settings_json.hpp"
#include "sla_planner/planner/planner_config.hpp"

namespace sla_planner {

/// All fields of `c` as a JSON object (canonical names).
inline nlohmann::json planner_config_to_json(const PlannerConfig& c) { return settings_to_json(c, PlannerConfig::settings()); }

/// A config from a JSON object: known keys override `base` (the defaults unless given); unknown keys
/// and wrongly typed values are errors. Does not validate.
/// \throws std::invalid_argument naming the key
inline PlannerConfig planner_config_from_json(const nlohmann::json& j, PlannerConfig base = {},
                                              std::set<std::string>* keys_read = nullptr) {
  settings_from_json(j, base, PlannerConfig::settings(), "planner config", keys_read);
  return base;
}

}  // namespace sla_planner
