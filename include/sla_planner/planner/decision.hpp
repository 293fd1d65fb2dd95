// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace sla_planner {

/// Engines currently running (what the planner scales from).
struct WorkerCounts {
  long long prefill = 1;  ///< prefill engines
  long long decode = 1;   ///< decode engines
};

/// One planning decision and everything that explains it.
struct Decision {
  long long num_prefill = 1;              ///< prefill engines to run next interval
  long long num_decode = 1;               ///< decode engines to run next interval
  double predicted_num_req = 0;           ///< forecast requests in the next interval
  double predicted_isl = 0;               ///< forecast mean input length (tokens)
  double predicted_osl = 0;               ///< forecast mean output length (tokens)
  double prefill_engine_capacity = 0;     ///< tokens/s one prefill engine sustains at the predicted ISL
  double decode_engine_capacity = 0;      ///< tokens/s one decode engine sustains under the corrected ITL
  double prefill_tokens_per_s = 0;        ///< predicted prefill load (tokens/s, correction applied)
  double decode_tokens_per_s = 0;         ///< predicted decode load (tokens/s)
  double prefill_correction = 1;          ///< observed / interpolated TTFT in use
  double decode_correction = 1;           ///< observed / interpolated ITL in use
  double corrected_itl_ms = 0;            ///< ITL target divided by the decode correction
  long long gpus = 0;                     ///< GPUs the decision uses
  bool budget_limited = false;            ///< the GPU budget lowered the counts
  std::vector<std::string> notes;         ///< how each number came about, in order
};

}  // namespace sla_planner
