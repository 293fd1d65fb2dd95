// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A request read from a public trace (Azure LLM inference CSV, BurstGPT CSV, mooncake JSONL)
// on that trace's own clock, in integer nanoseconds so that converting keeps every digit.
#pragma once

#include <cstdint>

namespace sla_planner {

/// One request of a source trace, before normalisation.
struct TimedRequest {
  std::int64_t time_ns = 0;        ///< arrival time on the source's clock (Azure: Unix epoch, UTC)
  std::int64_t input_length = 0;   ///< prompt tokens
  std::int64_t output_length = 0;  ///< generated tokens
  std::uint64_t line = 0;          ///< 1-based line in the source file
};

}  // namespace sla_planner
