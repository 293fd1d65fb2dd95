// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// One request of a load trace, as read from a mooncake JSONL line (the trace format of
// Mooncake/FAST'25 that AIPerf's `mooncake_trace` dataset type and NVIDIA Dynamo's planner read).
#pragma once

#include <cstdint>

namespace sla_planner {

/// One request: arrival time, prompt and output length, and the 1-based line it came from.
struct TraceRecord {
  double timestamp_ms = 0;        ///< arrival time in milliseconds (>= 0, finite)
  std::int64_t input_length = 0;  ///< prompt tokens (ISL, >= 0)
  std::int64_t output_length = 0; ///< generated tokens (OSL, >= 0)
  std::uint64_t line = 0;         ///< 1-based line number in the (decompressed) file
};

}  // namespace sla_planner
