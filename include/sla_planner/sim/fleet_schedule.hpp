// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A fleet that follows given worker counts interval by interval — e.g. the decisions of a dry run
// (DryRunSeries::num_p / num_d), or a hand-made scaling plan.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/planner/decision.hpp"

namespace sla_planner {

/// Worker counts per statistics interval: counts[0] is the fleet at the first arrival (ready at
/// once), counts[k] is requested at the start of interval k (new workers wait for the startup
/// delay, removed ones drain); after the last entry the fleet stays as it is.
struct FleetSchedule {
  /// Counts per interval, at least one entry, each >= 1 prefill and >= 1 decode worker.
  std::vector<WorkerCounts> counts;
  /// GPUs per prefill worker (>= 1).
  int prefill_engine_num_gpu = 1;
  /// GPUs per decode worker (>= 1).
  int decode_engine_num_gpu = 1;
  /// Name of the fleet in results.
  std::string name = "schedule";

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (counts.empty()) throw std::invalid_argument("'counts' must hold at least one entry, got 0");
    for (std::size_t k = 0; k < counts.size(); ++k)
      if (counts[k].prefill < 1 || counts[k].decode < 1 || counts[k].prefill > 100000 || counts[k].decode > 100000)
        throw std::invalid_argument("'counts[" + std::to_string(k) + "]' must have 1..100000 prefill and decode workers, got " +
                                    std::to_string(counts[k].prefill) + "P" + std::to_string(counts[k].decode) + "D");
    if (prefill_engine_num_gpu < 1)
      throw std::invalid_argument("'prefill_engine_num_gpu' must be >= 1, got " + std::to_string(prefill_engine_num_gpu));
    if (decode_engine_num_gpu < 1)
      throw std::invalid_argument("'decode_engine_num_gpu' must be >= 1, got " + std::to_string(decode_engine_num_gpu));
  }
};

}  // namespace sla_planner
