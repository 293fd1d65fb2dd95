// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace sla_planner {

/// The best decode operating point under an ITL target (find_best_throughput_per_gpu).
struct DecodeOperatingPoint {
  double thpt_per_gpu = 0;  ///< decode throughput at that point (tokens/s/GPU)
  double itl_ms = 0;        ///< ITL at that point (milliseconds); may exceed the target if none met it
  double kv_usage = 0;      ///< active KV-cache usage (fraction 0..1)
  int kv_index = -1;        ///< grid column of kv_usage (Reference); -1 in Exact mode
  int context_index = -1;   ///< grid row of the context length (Reference); -1 in Exact mode
};

}  // namespace sla_planner
