// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The requests a fleet replay serves: arrival time and token counts, in arrival order, as read
// from a mooncake JSONL trace (the format AIPerf's `mooncake_trace` dataset replays against a
// live deployment, which is what the replay stands in for).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/trace/mooncake_reader.hpp"

namespace sla_planner {

/// One request of a replay.
struct ReplayRequest {
  double arrival_ms = 0;      ///< arrival time (milliseconds on the trace's clock)
  std::int64_t isl = 0;       ///< prompt tokens (>= 0)
  std::int64_t osl = 0;       ///< output tokens (>= 0; 0 is served as 1: the first token)
};

/// Reads a mooncake trace (.jsonl or .jsonl.gz) into requests sorted by arrival (stable: lines
/// with one timestamp keep file order). `time_scale` divides the timestamps (2 = twice as fast).
/// \throws DataError from the reader; std::invalid_argument for a non-positive time_scale
inline std::vector<ReplayRequest> load_replay_requests(const std::string& path, const MooncakeReadOptions& options = {},
                                                       double time_scale = 1.0, MooncakeReadStats* stats = nullptr) {
  if (!(time_scale > 0) || !std::isfinite(time_scale))
    throw std::invalid_argument("'time_scale' must be > 0, got " + std::to_string(time_scale));
  std::vector<ReplayRequest> out;
  const MooncakeReadStats st = read_mooncake_batches(
      path,
      [&](const TraceRecord* r, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
          out.push_back({time_scale == 1.0 ? r[i].timestamp_ms : r[i].timestamp_ms / time_scale, r[i].input_length,
                         r[i].output_length});
      },
      options);
  if (stats) *stats = st;
  if (!std::is_sorted(out.begin(), out.end(),
                      [](const ReplayRequest& a, const ReplayRequest& b) { return a.arrival_ms < b.arrival_ms; }))
    std::stable_sort(out.begin(), out.end(),
                     [](const ReplayRequest& a, const ReplayRequest& b) { return a.arrival_ms < b.arrival_ms; });
  return out;
}

}  // namespace sla_planner
