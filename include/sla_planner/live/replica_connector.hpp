// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The interface between the planner's decisions and a running deployment, after Dynamo's
// PlannerConnector (ai-dynamo/dynamo components/src/dynamo/planner/planner_connector.py):
// set the prefill and decode replica counts, and tell whether the last change is done.
#pragma once

#include "sla_planner/live/scale_result.hpp"

namespace sla_planner {

/// Applies replica counts to a deployment. Implementations never throw for failures of the
/// system they talk to: they return ScaleOutcome::failed and leave the deployment as it was.
class ReplicaConnector {
public:
  virtual ~ReplicaConnector() = default;

  /// Ask for `prefill` prefill and `decode` decode workers (each >= 0).
  virtual ScaleResult set_replicas(int prefill, int decode) = 0;

  /// True when the last change has been carried out (or there was none).
  virtual bool last_change_done() = 0;

  /// Short name for logs: "virtual", "kubernetes", "advisory".
  virtual const char* name() const noexcept = 0;
};

}  // namespace sla_planner
