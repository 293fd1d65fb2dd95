// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The outcome of reading one tick's per-engine metrics: the engines' loads, or why to skip the tick.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sla_planner/live/prometheus_error.hpp"
#include "sla_planner/planner/worker_load.hpp"

namespace sla_planner {

/// Either `skip` is set (do not decide on this tick), or both engine lists are filled (one entry
/// per engine that reported, in the order of `prefill_ids` / `decode_ids`).
struct WorkerReading {
  std::vector<WorkerLoad> prefill;       ///< ready prefill engines
  std::vector<WorkerLoad> decode;        ///< ready decode engines
  std::vector<std::string> prefill_ids;  ///< each prefill engine's labels, "name=value,..." (sorted)
  std::vector<std::string> decode_ids;   ///< each decode engine's labels
  std::optional<PrometheusError> skip;   ///< why the tick is skipped

  bool usable() const noexcept { return !skip.has_value(); }
};

}  // namespace sla_planner
