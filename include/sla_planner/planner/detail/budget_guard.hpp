// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// NVIDIA Dynamo's direction-preserving GPU-budget rules for scaling proposals
// (components/src/dynamo/planner/core/budget.py: fit_directional_budget_pair and
// guard_disagg_scaling_budget), for a ceiling only (Dynamo's min_gpu_budget = -1 default). The
// proportional clamp they fall back to is ReplicaCalculator::apply_budget.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <tuple>

#include "sla_planner/planner/decision.hpp"
#include "sla_planner/planner/replica_calculator.hpp"

namespace sla_planner::detail {

/// Outcome of a budget rule: the counts and, when the rule changed or held the proposal, why.
struct BudgetFit {
  WorkerCounts counts;
  std::string reason;  ///< "", "gpu_budget_reconcile" or "gpu_budget_guard_hold"
};

inline long long floor_div(long long a, long long b) {
  long long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

/// The proportional clamp (the historical budget rule) as counts.
inline WorkerCounts proportional_clamp(const ReplicaCalculator& calc, WorkerCounts w) {
  ReplicaPlan r;
  r.num_prefill = w.prefill;
  r.num_decode = w.decode;
  calc.apply_budget(r);
  return {r.num_prefill, r.num_decode};
}

/// Fits a proposal under the budget without changing any kind's direction: every returned count
/// lies between current and proposed; in an opposing trade (one kind up, the other down) both
/// move or neither does. Among the fits, the one closest to the proposal, then the most
/// proportional progress, then the most progress, then the fewest engines.
inline WorkerCounts fit_directional(const PlannerConfig& c, WorkerCounts cur, WorkerCounts prop) {
  const long long pg = c.prefill_engine_num_gpu, dg = c.decode_engine_num_gpu, min_ep = c.min_endpoint;
  const bool budget = c.has_budget();
  const long long max_g = c.max_gpu_budget;
  const bool p_down = prop.prefill < cur.prefill, p_up = prop.prefill > cur.prefill;
  const bool d_down = prop.decode < cur.decode, d_up = prop.decode > cur.decode;
  const bool opposing = (p_down && d_up) || (p_up && d_down);
  const long long req_p = std::llabs(prop.prefill - cur.prefill), req_d = std::llabs(prop.decode - cur.decode);

  long long p_low = std::max(std::min(cur.prefill, prop.prefill), min_ep), p_high = std::max(cur.prefill, prop.prefill);
  long long d_low = std::max(std::min(cur.decode, prop.decode), min_ep), d_high = std::max(cur.decode, prop.decode);
  if (budget) {
    p_high = std::min(p_high, floor_div(max_g - d_low * dg, pg));
    d_high = std::min(d_high, floor_div(max_g - p_low * pg, dg));
  }
  if (p_low > p_high || d_low > d_high) return cur;
  const auto fits = [&](long long p, long long d) { return !budget || p * pg + d * dg <= max_g; };
  if (prop.prefill >= min_ep && prop.decode >= min_ep && fits(prop.prefill, prop.decode)) return prop;

  using Score = std::tuple<long long, long long, long long, long long, long long>;
  std::optional<std::pair<Score, WorkerCounts>> best;
  const auto consider = [&](long long p, long long d) {
    if (!fits(p, d)) return;
    const long long dist = std::llabs(prop.prefill - p) + std::llabs(prop.decode - d);
    const long long prog_p = std::llabs(p - cur.prefill), prog_d = std::llabs(d - cur.decode);
    const Score s{dist, std::llabs(prog_p * req_d - prog_d * req_p), -(prog_p + prog_d), p, d};
    if (!best || s < best->first) best = std::make_pair(s, WorkerCounts{p, d});
  };
  if (p_high - p_low <= d_high - d_low) {
    for (long long p = p_low; p <= p_high; ++p) {
      long long lo = d_low, hi = d_high;
      if (budget) hi = std::min(hi, floor_div(max_g - p * pg, dg));
      if (opposing) {
        if (p == cur.prefill) {
          if (lo <= cur.decode && cur.decode <= hi) consider(p, cur.decode);
          continue;
        }
        if (prop.decode > cur.decode) lo = std::max(lo, cur.decode + 1);
        else hi = std::min(hi, cur.decode - 1);
      }
      if (lo <= hi) consider(p, std::min(std::max(prop.decode, lo), hi));
    }
  } else {
    for (long long d = d_low; d <= d_high; ++d) {
      long long lo = p_low, hi = p_high;
      if (budget) hi = std::min(hi, floor_div(max_g - d * dg, pg));
      if (opposing) {
        if (d == cur.decode) {
          if (lo <= cur.prefill && cur.prefill <= hi) consider(cur.prefill, d);
          continue;
        }
        if (prop.prefill > cur.prefill) lo = std::max(lo, cur.prefill + 1);
        else hi = std::min(hi, cur.prefill - 1);
      }
      if (lo <= hi) consider(std::min(std::max(prop.prefill, lo), hi), d);
    }
  }
  return best ? best->second : cur;
}

/// The budget applied to a load proposal from the current (ready) fleet:
/// a fleet outside the budget or below min_endpoint is reconciled proportionally; at a full
/// budget a scale-up is held unless it is an opposing trade that fits; otherwise the proportional
/// clamp is taken when it moves each kind only toward its proposal, else the fleet is held.
inline BudgetFit guard_scaling_budget(const PlannerConfig& c, const ReplicaCalculator& calc, WorkerCounts cur,
                                      WorkerCounts prop) {
  const long long min_ep = c.min_endpoint;
  if (cur.prefill < min_ep || cur.decode < min_ep)
    return {proportional_clamp(calc, {std::max(prop.prefill, min_ep), std::max(prop.decode, min_ep)}),
            "gpu_budget_reconcile"};
  if (!c.has_budget()) return {prop, ""};
  const long long max_g = c.max_gpu_budget;
  const long long cur_total = c.gpus(cur.prefill, cur.decode);
  if (cur_total > max_g) return {proportional_clamp(calc, cur), "gpu_budget_reconcile"};
  const bool p_down = prop.prefill < cur.prefill, p_up = prop.prefill > cur.prefill;
  const bool d_down = prop.decode < cur.decode, d_up = prop.decode > cur.decode;
  const bool opposing = (p_down && d_up) || (p_up && d_down);
  if (cur_total >= max_g && (p_up || d_up)) {
    if (!opposing) return {cur, "gpu_budget_guard_hold"};
    const WorkerCounts f = fit_directional(c, cur, prop);
    if (f.prefill == cur.prefill && f.decode == cur.decode) return {cur, "gpu_budget_guard_hold"};
    return {f, ""};
  }
  const WorkerCounts clamped = proportional_clamp(calc, prop);
  const auto between = [](long long a, long long b, long long x) { return std::min(a, b) <= x && x <= std::max(a, b); };
  if (!between(cur.prefill, prop.prefill, clamped.prefill) || !between(cur.decode, prop.decode, clamped.decode) ||
      c.gpus(clamped.prefill, clamped.decode) > max_g)
    return {cur, "gpu_budget_guard_hold"};
  return {clamped, ""};
}

}  // namespace sla_planner::detail
