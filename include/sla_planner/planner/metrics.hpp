// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>

namespace sla_planner {

/// What was observed over one adjustment interval. Any field may be missing (std::nullopt) or NaN;
/// a zero-request interval is a valid observation (load 0).
struct Metrics {
  std::optional<double> num_req;             ///< requests in the interval
  std::optional<double> isl;                 ///< mean input length (tokens)
  std::optional<double> osl;                 ///< mean output length (tokens)
  std::optional<double> ttft_ms;             ///< mean time to first token (milliseconds)
  std::optional<double> itl_ms;              ///< mean inter-token latency (milliseconds)
  std::optional<double> request_duration_s;  ///< mean request duration (seconds)
};

}  // namespace sla_planner
