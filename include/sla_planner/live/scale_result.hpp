// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// What a connector did with one set_replicas() request.
#pragma once

#include <string>

namespace sla_planner {

/// The outcome of ReplicaConnector::set_replicas.
enum class ScaleOutcome {
  applied,    ///< the new counts were written / requested
  unchanged,  ///< the counts equal the last ones written: nothing to do
  waiting,    ///< the previous change is not done yet: this one was not applied
  advisory,   ///< nothing is ever changed (advisory connector)
  failed,     ///< the change could not be made (message says why); the fleet is as before
};

inline const char* to_string(ScaleOutcome o) noexcept {
  switch (o) {
    case ScaleOutcome::applied: return "applied";
    case ScaleOutcome::unchanged: return "unchanged";
    case ScaleOutcome::waiting: return "waiting";
    case ScaleOutcome::advisory: return "advisory";
    case ScaleOutcome::failed: return "failed";
  }
  return "unknown";
}

/// Outcome plus a one-line message for the log.
struct ScaleResult {
  ScaleOutcome outcome = ScaleOutcome::failed;  ///< what happened
  std::string message;                          ///< one line, e.g. "decision 3: prefill 2, decode 1"
};

}  // namespace sla_planner
