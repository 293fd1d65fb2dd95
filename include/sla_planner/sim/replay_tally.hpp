// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Counts a replay keeps by arrival window when asked (FleetSimulator::run_from), so that a caller
// that only needs shares of requests meeting the targets does not keep every request's timeline.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sla_planner {

/// Requests counted by when they arrived: [warm_from_ms, split_ms) "warm", [split_ms, late_from_ms)
/// "early", [late_from_ms, ∞) "late" (times on the replay's clock). Earlier arrivals are not
/// counted. A TTFT miss counts against decode when waiting for a decode batch alone (from the KV
/// reaching the decode worker to the first token) exceeds the miss, else against prefill.
struct ReplayTally {
  double warm_from_ms = 0, split_ms = 0, late_from_ms = 0;  ///< window bounds (set by the caller)
  std::size_t warm = 0;          ///< warm requests with at least two output tokens
  double warm_itl_ms = 0;        ///< sum of their ITL
  std::size_t early = 0, early_good = 0;  ///< early requests; of those, meeting both targets
  std::size_t late = 0, late_good = 0;    ///< late requests; of those, meeting both targets
  std::size_t late_prefill_ok = 0;  ///< late requests with no TTFT miss counted against prefill
  std::size_t late_decode_ok = 0;   ///< late requests meeting ITL with no TTFT miss counted against decode
  /// The replay stops as soon as more late (early) requests than this have missed a target: a
  /// caller that only asks whether a share is reached learns "no" without replaying the rest.
  /// The counts above are then partial. SIZE_MAX: never.
  std::size_t late_miss_limit = SIZE_MAX, early_miss_limit = SIZE_MAX;
  bool late_stop = false, early_stop = false;  ///< which limit stopped the replay
  bool stopped() const noexcept { return late_stop || early_stop; }
};

}  // namespace sla_planner
