// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Replica formulas of NVIDIA Dynamo's SLA planner (planner_core.py, _compute_replica_requirements),
// with its known defects fixed: a non-positive throughput no longer divides by zero, and the GPU
// budget is applied with floor and a cap so that the result never exceeds it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "sla_planner/planner/planner_config.hpp"
#include "sla_planner/util/format.hpp"

namespace sla_planner {

/// Result of the replica formulas for one interval.
struct ReplicaPlan {
  long long num_prefill = 1;          ///< prefill engines
  long long num_decode = 1;           ///< decode engines
  double prefill_tokens_per_s = 0;    ///< predicted prefill load (tokens/s, after min(1, prefill factor))
  double prefill_engine_capacity = 0; ///< tokens/s one prefill engine sustains at the predicted ISL
  double decode_tokens_per_s = 0;     ///< predicted decode load (tokens/s)
  double decode_engine_capacity = 0;  ///< tokens/s one decode engine sustains under the (corrected) ITL
  bool budget_limited = false;        ///< the GPU budget lowered the counts
  std::vector<std::string> notes;     ///< one line per step, as the Python planner logs them
};

/// Turns a predicted load and per-GPU throughputs into engine counts, under the min_endpoint and
/// GPU-budget rules. Pure arithmetic: the caller looks throughputs up in the interpolators.
class ReplicaCalculator {
public:
  /// Counts above this are capped (a guard against absurd predictions overflowing integers).
  static constexpr long long max_replicas = 1000000000LL;

  /// \throws std::invalid_argument when the config is invalid
  explicit ReplicaCalculator(PlannerConfig config) : config_(std::move(config)) { config_.validate(); }

  /// The ITL to search the decode profile with: itl / decode_factor, or itl itself when the
  /// factor is not positive (or not finite).
  static double corrected_itl(double itl_ms, double decode_factor) noexcept {
    return (decode_factor > 0 && std::isfinite(decode_factor)) ? itl_ms / decode_factor : itl_ms;
  }

  /// Engine counts for the predicted interval.
  /// \param num_req       predicted requests in the next interval
  /// \param isl, osl      predicted mean input / output lengths (tokens)
  /// \param prefill_thpt_per_gpu  prefill tokens/s/GPU at `isl` (from the prefill interpolator)
  /// \param decode_thpt_per_gpu   best decode tokens/s/GPU within the corrected ITL at isl + osl/2
  /// \param prefill_factor        observed / expected TTFT; only min(1, factor) is applied
  ReplicaPlan compute(double num_req, double isl, double osl, double prefill_thpt_per_gpu,
                      double decode_thpt_per_gpu, double prefill_factor = 1.0) const {
    ReplicaPlan r;
    const double interval = config_.adjustment_interval_s;
    num_req = sanitize(num_req, "num_req", r);
    isl = sanitize(isl, "isl", r);
    osl = sanitize(osl, "osl", r);
    if (!(prefill_factor > 0) || !std::isfinite(prefill_factor)) {
      r.notes.push_back("prefill correction factor " + fmt(prefill_factor) + " is not positive; using 1");
      prefill_factor = 1.0;
    }

    // Prefill: the TTFT bias is assumed to be queueing, so only factors below 1 are applied.
    r.prefill_tokens_per_s = num_req * isl / interval * std::min(1.0, prefill_factor);
    long long num_p = config_.min_endpoint;
    if (prefill_thpt_per_gpu > 0 && std::isfinite(prefill_thpt_per_gpu)) {
      r.prefill_engine_capacity = prefill_thpt_per_gpu * config_.prefill_engine_num_gpu;
      num_p = ceil_count(r.prefill_tokens_per_s / prefill_thpt_per_gpu / config_.prefill_engine_num_gpu);
      r.notes.push_back("Prefill calculation: " + fmt2(r.prefill_tokens_per_s) + "(p_thpt) / " +
                        fmt2(r.prefill_engine_capacity) + "(p_engine_cap) = " + std::to_string(num_p) + "(num_p)");
    } else {
      r.notes.push_back("Prefill calculation: throughput/GPU " + fmt(prefill_thpt_per_gpu) +
                        " is not positive; using min_endpoint");
    }

    r.decode_tokens_per_s = num_req * osl / interval;
    long long num_d = config_.min_endpoint;
    if (decode_thpt_per_gpu > 0 && std::isfinite(decode_thpt_per_gpu)) {
      r.decode_engine_capacity = decode_thpt_per_gpu * config_.decode_engine_num_gpu;
      num_d = ceil_count(r.decode_tokens_per_s / decode_thpt_per_gpu / config_.decode_engine_num_gpu);
      r.notes.push_back("Decode calculation: " + fmt2(r.decode_tokens_per_s) + "(d_thpt) / " +
                        fmt2(r.decode_engine_capacity) + "(d_engine_cap) = " + std::to_string(num_d) + "(num_d)");
    } else {
      r.notes.push_back("Decode calculation: throughput/GPU " + fmt(decode_thpt_per_gpu) +
                        " is not positive (no profiled point meets the ITL); using min_endpoint");
    }

    r.num_prefill = std::max<long long>(num_p, config_.min_endpoint);
    r.num_decode = std::max<long long>(num_d, config_.min_endpoint);
    r.notes.push_back("Predicted number of engine replicas: prefill=" + std::to_string(r.num_prefill) +
                      ", decode=" + std::to_string(r.num_decode));
    apply_budget(r);
    return r;
  }

  /// Lowers (p, d) to fit the GPU budget, if there is one and it is exceeded:
  /// scale = budget / total; p = max(min_endpoint, floor(p × scale)), capped so that min_endpoint
  /// decode engines still fit; d = max(min_endpoint, floor((budget − p GPUs) / GPUs per decode engine)).
  /// The result never exceeds the budget (validate() guarantees min_endpoint of each fits).
  void apply_budget(ReplicaPlan& r) const {
    if (!config_.has_budget()) return;
    const long long budget = config_.max_gpu_budget;
    const long long total = config_.gpus(r.num_prefill, r.num_decode);
    if (total <= budget) return;
    const long long pg = config_.prefill_engine_num_gpu, dg = config_.decode_engine_num_gpu;
    const long long min_ep = config_.min_endpoint;
    const double scale = static_cast<double>(budget) / static_cast<double>(total);
    long long p = std::max(min_ep, static_cast<long long>(std::floor(static_cast<double>(r.num_prefill) * scale)));
    p = std::min(p, (budget - min_ep * dg) / pg);
    const long long d = std::max(min_ep, (budget - p * pg) / dg);
    r.notes.push_back("Total number of GPUs required (" + std::to_string(total) + ") exceeds the max GPU budget (" +
                      std::to_string(budget) + "), scaling down to " + std::to_string(p) + " prefill and " +
                      std::to_string(d) + " decode replicas");
    r.num_prefill = p;
    r.num_decode = d;
    r.budget_limited = true;
  }

  const PlannerConfig& config() const noexcept { return config_; }

private:
  static long long ceil_count(double x) {
    if (!(x > 0)) return 0;
    if (x >= static_cast<double>(max_replicas)) return max_replicas;
    return static_cast<long long>(std::ceil(x));
  }
  static double sanitize(double v, const char* name, ReplicaPlan& r) {
    if (std::isfinite(v) && v >= 0) return v;
    r.notes.push_back(std::string("predicted ") + name + " " + fmt(v) + " is not a non-negative number; using 0");
    return 0.0;
  }
  static std::string fmt(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }
  static std::string fmt2(double v) { return format_fixed(v, 2); }

  PlannerConfig config_;
};

}  // namespace sla_planner
