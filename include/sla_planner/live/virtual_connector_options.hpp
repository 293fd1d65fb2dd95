// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings of VirtualConnector, after Dynamo's virtual connector (ai-dynamo/dynamo
// components/src/dynamo/planner/virtual_connector.py: SCALING_MAX_WAIT_TIME, default 1800 s).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

namespace sla_planner {

struct VirtualConnectorOptions {
  /// Dynamo namespace: the keys live under "v1/<dynamo_namespace>/planner/".
  std::string dynamo_namespace = "dynamo";
  /// How long a new decision waits for the environment to acknowledge the previous one before
  /// it is written anyway, seconds (Dynamo's SCALING_MAX_WAIT_TIME).
  double max_wait_s = 1800;

  /// Throws std::invalid_argument naming the first bad field.
  void validate() const {
    if (dynamo_namespace.empty()) throw std::invalid_argument("'namespace' must not be empty");
    if (!std::isfinite(max_wait_s) || max_wait_s < 0)
      throw std::invalid_argument("'max_wait_s' must be >= 0, got " + std::to_string(max_wait_s));
  }
};

}  // namespace sla_planner
