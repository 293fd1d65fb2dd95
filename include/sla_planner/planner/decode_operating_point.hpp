// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace sla_planner {

/// An operating point of one decode engine.
struct DecodeOperatingPoint {
  double thpt_per_gpu = 0;  ///< decode tokens/s/GPU
  double itl_ms = 0;        ///< inter-token latency there (milliseconds)
  double kv_usage = 0;      ///< active KV usage there (fraction)
};

}  // namespace sla_planner
