// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Parameters of NVIDIA Dynamo's load-based scaling, with Dynamo's defaults
// (components/src/dynamo/planner/config/defaults.py SLAPlannerDefaults and planner_config.py;
// thresholds from core/load_scaling.py; the `load` target's thresholds as Dynamo's sweep config
// provider writes them). Each field is listed once, in settings(), which drives validate(), JSON
// and the tools' flags.
#pragma once

#include <string>
#include <vector>

#include "sla_planner/util/settings.hpp"

namespace sla_planner {

/// How the load policy decides (Dynamo's `optimization_target`).
enum class LoadTarget {
  Sla,         ///< per-engine TTFT/ITL estimates against the targets; the throughput rules as a floor
  Throughput,  ///< static thresholds: queued prefill tokens / context length, decode KV use
  Latency,     ///< the same with earlier scale-up and later scale-down
  Load,        ///< user thresholds in queued tokens and KV percent
};

/// Names of the targets, in enum order: "sla", "throughput", "latency", "load".
inline const std::vector<std::string>& load_target_names() {
  static const std::vector<std::string> names{"sla", "throughput", "latency", "load"};
  return names;
}

/// How LoadPolicy decides; every field has Dynamo's default unless said otherwise.
struct LoadPolicyParams {
  /// Dynamo's `optimization_target`. Dynamo's own default is "throughput" (with throughput
  /// scaling forced off); the default here is "sla", the configuration in which the throughput
  /// rules bound the load decisions.
  LoadTarget optimization_target = LoadTarget::Sla;
  /// Seconds between two load decisions (load_adjustment_interval_seconds, > 0).
  double tick_s = 5.0;
  /// "sla" only: run the throughput rules every throughput_interval_s and never go below their
  /// counts (enable_throughput_scaling). Ignored by the other targets, which Dynamo runs without
  /// throughput scaling.
  bool throughput_floor = true;
  /// "sla" only: seconds between two runs of the throughput rules that set the floor
  /// (throughput_adjustment_interval_seconds; a whole multiple >= 2 of tick_s). 0 = use
  /// PlannerConfig::adjustment_interval_s.
  double throughput_interval_s = 180.0;
  /// "sla" only: most engines of one kind the throughput floor moves per throughput interval,
  /// from the deployed count (max_throughput_scaling_replicas; >= 1). Applied as the floor
  /// planner's max_replica_change.
  int max_throughput_scaling_replicas = 8;
  /// "sla" only: scale-down safety margin in percent (load_scaling_down_sensitivity, 0..100): a
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

  bool is_sla() const noexcept { return optimization_target == LoadTarget::Sla; }

  /// Every field: key (JSON; Dynamo's names are aliases), flag, range and help.
  static const SettingTable<LoadPolicyParams>& settings() {
    using P = LoadPolicyParams;
    static const SettingTable<P> table = [] {
      SettingTable<P> t;
      t.push_back(choice_setting("optimization_target", &P::optimization_target, load_target_names(),
                                 "load policy: sla, throughput, latency or load", "load-target"));
      t.push_back(real_setting("load_tick_s", &P::tick_s, SettingRule::greater_than(0),
                               "load policy: seconds between decisions", "load-tick"));
      t.back().aliases = {"load_adjustment_interval_seconds", "load_adjustment_interval"};
      t.push_back(bool_setting("throughput_floor", &P::throughput_floor,
                               "load policy (sla): the throughput rules bound the counts from below",
                               "load-throughput-floor"));
      t.back().aliases = {"enable_throughput_scaling"};
      t.push_back(real_setting("throughput_interval_s", &P::throughput_interval_s, SettingRule::at_least(0),
                               "load policy (sla): seconds between throughput floors (0 = adjustment interval)",
                               "load-throughput-interval"));
      t.back().aliases = {"throughput_adjustment_interval_seconds", "throughput_adjustment_interval"};
      t.push_back(integer_setting("max_throughput_scaling_replicas", &P::max_throughput_scaling_replicas,
                                  SettingRule::at_least(1), "load policy (sla): most engines the floor moves at once"));
      t.push_back(real_setting("load_scaling_down_sensitivity", &P::scale_down_sensitivity, SettingRule::between(0, 100),
                               "load policy (sla): scale-down margin in percent of the targets"));
      t.push_back(real_setting("context_length", &P::context_length, SettingRule::at_least(0),
                               "load policy: engine context length in tokens (0 = unknown)"));
      t.push_back(real_setting("max_kv_tokens", &P::max_kv_tokens, SettingRule::at_least(0),
                               "load policy: KV capacity of a decode engine in tokens (0 = unknown)"));
      t.push_back(real_setting("max_num_batched_tokens", &P::max_num_batched_tokens, SettingRule::greater_than(0),
                               "load policy (sla): tokens per prefill forward pass"));
      t.push_back(real_setting("prefill_scale_up_queue_tokens", &P::prefill_scale_up_queue_tokens,
                               SettingRule::at_least(0), "load policy (load): queued tokens that add a prefill engine"));
      t.push_back(real_setting("prefill_scale_down_queue_tokens", &P::prefill_scale_down_queue_tokens,
                               SettingRule::at_least(0), "load policy (load): queued tokens that allow removing one"));
      t.push_back(real_setting("decode_scale_up_kv_rate", &P::decode_scale_up_kv_rate, SettingRule::between(0, 100),
                               "load policy (load): KV use % that adds a decode engine"));
      t.push_back(real_setting("decode_scale_down_kv_rate", &P::decode_scale_down_kv_rate, SettingRule::between(0, 100),
                               "load policy (load): KV use % that allows removing one"));
      return t;
    }();
    return table;
  }

  /// Checks every field, then the rules that join two fields.
  /// \throws SettingError (a std::invalid_argument) naming the key, its range and the value
  void validate() const {
    check_settings(*this, settings());
    if (optimization_target == LoadTarget::Load) {
      if (!(prefill_scale_up_queue_tokens > prefill_scale_down_queue_tokens))
        throw SettingError::out_of_range("prefill_scale_up_queue_tokens",
                                         "> prefill_scale_down_queue_tokens (" +
                                             format_number(prefill_scale_down_queue_tokens) + ")",
                                         format_number(prefill_scale_up_queue_tokens));
      if (!(decode_scale_up_kv_rate > decode_scale_down_kv_rate))
        throw SettingError::out_of_range("decode_scale_up_kv_rate",
                                         "> decode_scale_down_kv_rate (" + format_number(decode_scale_down_kv_rate) + ")",
                                         format_number(decode_scale_up_kv_rate));
    }
  }
};

}  // namespace sla_planner
