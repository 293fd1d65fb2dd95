// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Parameters of NVIDIA Dynamo's load-based scaling, with Dynamo's defaults
// (components/src/dynamo/planner/config/defaults.py SLAPlannerDefaults and planner_config.py;
// thresholds from core/load_scaling.py; the `load` target's thresholds as Dynamo's sweep config
// provider writes them).
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace sla_planner {

/// How LoadPolicy decides; every field has Dynamo's default unless said otherwise.
struct LoadPolicyParams {
  /// Dynamo's `optimization_target`:
  /// "sla" — per-engine TTFT/ITL estimates against the targets, consolidation-aware scale-down,
  ///         the throughput rules as a lower bound (when throughput_floor);
  /// "throughput" — static thresholds: queued prefill tokens / context_length, decode KV use;
  /// "latency" — the same with earlier scale-up; "load" — user thresholds below.
  /// Dynamo's own default is "throughput" (with throughput scaling forced off); the default here
  /// is "sla", the configuration in which the throughput rules bound the load decisions.
  std::string optimization_target = "sla";
  /// Seconds between two load decisions (load_adjustment_interval_seconds, > 0).
  double tick_s = 5.0;
  /// "sla" only: run the throughput rules every throughput_interval_s and never
  /// go below their counts (enable_throughput_scaling). Ignored by the other targets, which
  /// Dynamo runs without throughput scaling.
  bool throughput_floor = true;
  /// "sla" only: seconds between two runs of the throughput rules that set the floor
  /// (throughput_adjustment_interval_seconds; a whole multiple >= 2 of tick_s). 0 = use
  /// PlannerConfig::adjustment_interval_s.
  double throughput_interval_s = 180.0;
  /// "sla" only: most engines of one kind the throughput floor moves per throughput interval,
  /// from the deployed count (max_throughput_scaling_replicas; >= 1). Applied as the floor
  /// planner's max_replica_change.
  int max_throughput_scaling_replicas = 8;
  /// "sla" only: scale-down safety margin in percent (load_scaling_down_sensitivity, 1..100): a
  /// scale-down needs the consolidated engines' predicted queueing within this share of the
  /// TTFT budget and their predicted ITL below this share of the ITL target.
  double scale_down_sensitivity = 80.0;
  /// Engine context length in tokens (worker metadata; "throughput"/"latency" prefill thresholds
  /// are fractions of it). 0 = unknown: those targets then make no prefill decision.
  double context_length = 0.0;
  /// KV-cache capacity of one decode engine in tokens (worker metadata; the profile's
  /// max_kv_tokens). 0 = unknown: threshold targets make no decode decision and "sla" skips its
  /// cache-feasibility check.
  double max_kv_tokens = 0.0;
  /// Tokens one prefill forward pass takes at most (the engine's max_num_batched_tokens; "sla"
  /// simulates the queue in chunks of this size). Dynamo's tests use 2048 (> 0).
  double max_num_batched_tokens = 2048.0;
  /// "load" target: a prefill engine with at least this many queued tokens triggers a scale-up
  /// (prefill_scale_up_queue_tokens; Dynamo requires it, its sweep provider writes 1).
  double prefill_scale_up_queue_tokens = 1.0;
  /// "load" target: all prefill engines at or below this many queued tokens allow a scale-down
  /// (prefill_scale_down_queue_tokens; sweep provider: 0). Must be below the scale-up value.
  double prefill_scale_down_queue_tokens = 0.0;
  /// "load" target: decode KV use in percent that triggers a scale-up (decode_scale_up_kv_rate;
  /// sweep provider: 90).
  double decode_scale_up_kv_rate = 90.0;
  /// "load" target: decode KV use in percent at or below which a scale-down is allowed
  /// (decode_scale_down_kv_rate; sweep provider: 70). Must be below the scale-up value.
  double decode_scale_down_kv_rate = 70.0;

  bool is_sla() const noexcept { return optimization_target == "sla"; }

  /// Checks every field. \throws std::invalid_argument naming the field, its range and the value
  void validate() const {
    if (optimization_target != "sla" && optimization_target != "throughput" && optimization_target != "latency" &&
        optimization_target != "load")
      throw std::invalid_argument("'optimization_target' must be one of sla, throughput, latency, load, got '" +
                                  optimization_target + "'");
    positive("tick_s", tick_s);
    non_negative("throughput_interval_s", throughput_interval_s);
    if (max_throughput_scaling_replicas < 1)
      throw std::invalid_argument("'max_throughput_scaling_replicas' must be >= 1, got " +
                                  std::to_string(max_throughput_scaling_replicas));
    if (!(scale_down_sensitivity > 0) || !(scale_down_sensitivity <= 100))
      throw std::invalid_argument("'scale_down_sensitivity' must be in (0, 100], got " + fmt(scale_down_sensitivity));
    non_negative("context_length", context_length);
    non_negative("max_kv_tokens", max_kv_tokens);
    positive("max_num_batched_tokens", max_num_batched_tokens);
    non_negative("prefill_scale_up_queue_tokens", prefill_scale_up_queue_tokens);
    non_negative("prefill_scale_down_queue_tokens", prefill_scale_down_queue_tokens);
    percent("decode_scale_up_kv_rate", decode_scale_up_kv_rate);
    percent("decode_scale_down_kv_rate", decode_scale_down_kv_rate);
    if (optimization_target == "load") {
      if (!(prefill_scale_up_queue_tokens > prefill_scale_down_queue_tokens))
        throw std::invalid_argument("'prefill_scale_up_queue_tokens' must be > 'prefill_scale_down_queue_tokens' (" +
                                    fmt(prefill_scale_down_queue_tokens) + "), got " +
                                    fmt(prefill_scale_up_queue_tokens));
      if (!(decode_scale_up_kv_rate > decode_scale_down_kv_rate))
        throw std::invalid_argument("'decode_scale_up_kv_rate' must be > 'decode_scale_down_kv_rate' (" +
                                    fmt(decode_scale_down_kv_rate) + "), got " + fmt(decode_scale_up_kv_rate));
    }
  }

private:
  static std::string fmt(double v) {
    std::ostringstream os;
    os.precision(17);
    os << v;
    return os.str();
  }
  static void positive(const char* name, double v) {
    if (!(v > 0) || !std::isfinite(v))
      throw std::invalid_argument(std::string("'") + name + "' must be > 0, got " + fmt(v));
  }
  static void non_negative(const char* name, double v) {
    if (!(v >= 0) || !std::isfinite(v))
      throw std::invalid_argument(std::string("'") + name + "' must be >= 0, got " + fmt(v));
  }
  static void percent(const char* name, double v) {
    if (!(v >= 0) || !(v <= 100))
      throw std::invalid_argument(std::string("'") + name + "' must be in [0, 100], got " + fmt(v));
  }
};

}  // namespace sla_planner
