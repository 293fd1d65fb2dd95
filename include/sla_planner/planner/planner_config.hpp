// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Planner parameters with the defaults of NVIDIA Dynamo's SLA planner (SLAPlannerDefaults in
// components/src/dynamo/planner/defaults.py). Each field is listed once, in settings(): that table
// drives validate(), JSON (formats/settings_json.hpp) and every tool's flags.
#pragma once

#include <string>

#include "sla_planner/predict/predictor_kind.hpp"
#include "sla_planner/util/settings.hpp"

namespace sla_planner {

/// Everything the planner needs to decide; every field has its default here.
/// JSON names are the keys of settings() (the Python planner's `ttft`, `itl` and
/// `adjustment_interval` are accepted as aliases); flags are listed there too.
struct PlannerConfig {
  /// Time-to-first-token target (milliseconds, > 0).
  double ttft_ms = 500.0;
  /// Inter-token-latency target (milliseconds, > 0).
  double itl_ms = 50.0;
  /// Seconds between two planning decisions; metrics are per interval (> 0).
  double adjustment_interval_s = 60.0;
  /// Most GPUs the fleet may use; -1 means no budget. Must hold min_endpoint engines of each kind.
  int max_gpu_budget = 8;
  /// Fewest engines of each kind (>= 1).
  int min_endpoint = 1;
  /// GPUs per prefill engine (>= 1).
  int prefill_engine_num_gpu = 1;
  /// GPUs per decode engine (>= 1).
  int decode_engine_num_gpu = 1;
  /// Load predictor.
  PredictorKind load_predictor = PredictorKind::Arima;
  /// Points each predictor keeps (>= 1; ARIMA needs >= 5).
  int load_prediction_window_size = 50;
  /// Mooncake trace whose per-interval series pre-feeds the predictors ("" = none). The planner
  /// itself reads no file: the tools load the trace and call BasicPlanner::warm_up.
  std::string load_predictor_warmup_trace;
  /// ARIMA only: refit on log1p(y) when the search collapses to (0,d,0) (the newer planner's option).
  bool load_predictor_log1p = false;
  /// Kalman: process noise of the level (>= 0).
  double kalman_q_level = 1.0;
  /// Kalman: process noise of the trend (>= 0).
  double kalman_q_trend = 0.1;
  /// Kalman: observation noise (> 0).
  double kalman_r = 10.0;
  /// Kalman: points needed before the filter forecasts (>= 1).
  int kalman_min_points = 5;
  /// Prophet: period of an extra Fourier seasonality in seconds of load history, i.e. in
  /// intervals × adjustment_interval_s (0 = none, as the reference).
  double prophet_seasonality_period_s = 0.0;
  /// Disable correction factors (observed / interpolated latency).
  bool no_correction = false;

  // Beyond the reference; each off by default.
  /// Most replicas of one kind added or removed per decision (0 = unlimited).
  int max_replica_change = 0;
  /// A scale-down happens only after it was recommended this many decisions in a row (1 = at once).
  int scale_down_patience = 1;
  /// Refuse a scale-down when, by the model, the remaining engines would miss the SLA under the
  /// last observed load.
  bool scale_down_safety_check = false;

  /// GPUs used by `p` prefill and `d` decode engines.
  long long gpus(long long p, long long d) const noexcept {
    return p * prefill_engine_num_gpu + d * decode_engine_num_gpu;
  }
  bool has_budget() const noexcept { return max_gpu_budget != -1; }

  /// Every field: key (JSON), flag, range and help — the one place a setting is declared.
  static const SettingTable<PlannerConfig>& settings() {
    using C = PlannerConfig;
    static const SettingTable<C> table = [] {
      SettingTable<C> t;
      t.push_back(real_setting("ttft_ms", &C::ttft_ms, SettingRule::greater_than(0), "TTFT target in ms", "ttft"));
      t.back().aliases = {"ttft"};
      t.push_back(real_setting("itl_ms", &C::itl_ms, SettingRule::greater_than(0), "ITL target in ms", "itl"));
      t.back().aliases = {"itl"};
      t.push_back(real_setting("adjustment_interval_s", &C::adjustment_interval_s, SettingRule::greater_than(0),
                               "seconds between decisions", "adjustment-interval"));
      t.back().aliases = {"adjustment_interval"};
      t.push_back(integer_setting("max_gpu_budget", &C::max_gpu_budget, SettingRule::at_least_or_minus_one(1),
                                  "most GPUs, -1 for none"));
      t.back().minus_one_means = "no budget";
      t.push_back(integer_setting("min_endpoint", &C::min_endpoint, SettingRule::at_least(1),
                                  "fewest engines of each kind"));
      t.push_back(integer_setting("prefill_engine_num_gpu", &C::prefill_engine_num_gpu, SettingRule::at_least(1),
                                  "GPUs per prefill engine"));
      t.push_back(integer_setting("decode_engine_num_gpu", &C::decode_engine_num_gpu, SettingRule::at_least(1),
                                  "GPUs per decode engine"));
      t.push_back(choice_setting("load_predictor", &C::load_predictor, predictor_kind_names(),
                                 "constant, arima, prophet or kalman"));
      t.push_back(integer_setting("load_prediction_window_size", &C::load_prediction_window_size,
                                  SettingRule::at_least(1), "points each predictor keeps (ARIMA: >= 5)"));
      t.push_back(text_setting("load_predictor_warmup_trace", &C::load_predictor_warmup_trace,
                               "mooncake trace whose per-interval load pre-feeds the predictors"));
      t.push_back(bool_setting("load_predictor_log1p", &C::load_predictor_log1p,
                               "ARIMA: log1p fallback when the search collapses to (0,d,0)"));
      t.push_back(real_setting("kalman_q_level", &C::kalman_q_level, SettingRule::at_least(0), "Kalman level noise"));
      t.push_back(real_setting("kalman_q_trend", &C::kalman_q_trend, SettingRule::at_least(0), "Kalman trend noise"));
      t.push_back(real_setting("kalman_r", &C::kalman_r, SettingRule::greater_than(0), "Kalman observation noise"));
      t.push_back(integer_setting("kalman_min_points", &C::kalman_min_points, SettingRule::at_least(1),
                                  "Kalman points before forecasting"));
      t.push_back(real_setting("prophet_seasonality_period_s", &C::prophet_seasonality_period_s,
                               SettingRule::at_least(0), "Prophet: extra seasonality period in seconds (0 = none)",
                               "prophet-seasonality-period"));
      t.push_back(bool_setting("no_correction", &C::no_correction, "disable correction factors"));
      t.push_back(integer_setting("max_replica_change", &C::max_replica_change, SettingRule::at_least(0),
                                  "most engines added/removed per decision, 0 = unlimited"));
      t.push_back(integer_setting("scale_down_patience", &C::scale_down_patience, SettingRule::at_least(1),
                                  "decisions in a row a scale-down must be recommended"));
      t.push_back(bool_setting("scale_down_safety_check", &C::scale_down_safety_check,
                               "refuse scale-downs the observed load would not survive (throughput rules)"));
      return t;
    }();
    return table;
  }

  /// Checks every field, then the rules that join two fields.
  /// \throws SettingError (a std::invalid_argument) naming the key, its range and the value
  void validate() const {
    check_settings(*this, settings());
    const int min_window = min_window_size(load_predictor);
    if (load_prediction_window_size < min_window)
      throw SettingError::out_of_range("load_prediction_window_size",
                                       ">= " + std::to_string(min_window) + " with load_predictor " +
                                           to_string(load_predictor),
                                       std::to_string(load_prediction_window_size));
    if (has_budget()) {
      const long long need = gpus(min_endpoint, min_endpoint);
      if (max_gpu_budget < need)
        throw SettingError(
            "max_gpu_budget",
            "'max_gpu_budget' (" + std::to_string(max_gpu_budget) + ") cannot hold min_endpoint (" +
                std::to_string(min_endpoint) + ") prefill engines of " + std::to_string(prefill_engine_num_gpu) +
                " GPU(s) and " + std::to_string(min_endpoint) + " decode engines of " +
                std::to_string(decode_engine_num_gpu) + " GPU(s): needs " + std::to_string(need));
    }
  }
};

}  // namespace sla_planner
