// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The operator's limits on how fast a fleet changes, applied to whatever a planning policy chose:
// PlannerConfig::scale_down_patience (a scale-down waits until it was recommended that many
// decisions in a row, then goes to the largest of those recommendations) and
// PlannerConfig::max_replica_change (most engines of one kind added or removed per decision).
// Neither is in Dynamo's planner; both are off by default. Shared by the throughput rules
// (BasicPlanner) and the attainment policy, so that the two settings mean the same everywhere.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "sla_planner/planner/decision.hpp"
#include "sla_planner/planner/planner_config.hpp"

namespace sla_planner {

/// Applies scale-down patience, then the per-decision change cap, to one decision after another.
/// Keeps the recent recommendations (for patience); copyable, so a policy's state can be copied.
class ScaleLimits {
public:
  ScaleLimits() = default;
  explicit ScaleLimits(const PlannerConfig& c)
      : patience_(static_cast<std::size_t>(std::max(c.scale_down_patience, 1))),
        cap_(c.max_replica_change),
        min_endpoint_(c.min_endpoint) {}

  /// Whether either limit can change a decision.
  bool active() const noexcept { return patience_ > 1 || cap_ > 0; }

  /// The counts to deploy when `target` is recommended and `current` are deployed; each held or
  /// limited kind gets a note. Every call is one decision (it enters the patience history).
  WorkerCounts apply(WorkerCounts target, WorkerCounts current, std::vector<std::string>& notes) {
    long long p = patience(target.prefill, current.prefill, p_history_, "prefill", notes);
    long long d = patience(target.decode, current.decode, d_history_, "decode", notes);
    p = capped(p, current.prefill, "prefill", notes);
    d = capped(d, current.decode, "decode", notes);
    return {p, d};
  }

private:
  long long patience(long long target, long long current, std::deque<long long>& history, const char* what,
                     std::vector<std::string>& notes) const {
    history.push_back(target);
    while (history.size() > patience_) history.pop_front();
    if (patience_ <= 1 || target >= current) return target;
    if (history.size() < patience_) {
      notes.push_back(std::string(what) + " scale-down to " + std::to_string(target) + " held: recommended " +
                      std::to_string(history.size()) + " of " + std::to_string(patience_) + " decisions");
      return current;
    }
    const long long m = *std::max_element(history.begin(), history.end());
    if (m >= current) {
      notes.push_back(std::string(what) + " scale-down to " + std::to_string(target) +
                      " held: not recommended in each of the last " + std::to_string(patience_) + " decisions");
      return current;
    }
    return m;
  }

  long long capped(long long target, long long current, const char* what, std::vector<std::string>& notes) const {
    if (cap_ <= 0) return target;
    long long v = std::min(std::max(target, current - cap_), current + cap_);
    v = std::max<long long>(v, min_endpoint_);
    if (v != target)
      notes.push_back(std::string(what) + " change limited to " + std::to_string(cap_) + " per decision: " +
                      std::to_string(current) + " -> " + std::to_string(v) + " (wanted " + std::to_string(target) + ")");
    return v;
  }

  std::size_t patience_ = 1;
  long long cap_ = 0;
  long long min_endpoint_ = 1;
  std::deque<long long> p_history_, d_history_;  ///< the last patience_ recommendations per kind
};

}  // namespace sla_planner
