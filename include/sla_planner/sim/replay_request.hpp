// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The requests a fleet replay serves: arrival time and token counts, in arrival order
// (formats/trace_loaders.hpp reads them from a mooncake JSONL trace, the format AIPerf's
// `mooncake_trace` dataset replays against a live deployment).
#pragma once

#include <cstdint>
#include <vector>

namespace sla_planner {

/// One request of a replay.
struct ReplayRequest {
  double arrival_ms = 0;      ///< arrival time (milliseconds on the trace's clock)
  std::int64_t isl = 0;       ///< prompt tokens (>= 0)
  std::int64_t osl = 0;       ///< output tokens (>= 0; 0 is served as 1: the first token)
};

}  // namespace sla_planner
