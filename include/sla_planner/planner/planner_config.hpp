// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Planner parameters with the defaults of NVIDIA Dynamo's SLA planner (SLAPlannerDefaults).
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace sla_planner {

/// Everything the planner needs to decide; every field has its default here.
/// JSON and command-line names are the field names (JSON: underscores; flags: dashes), and the
/// Python planner's names `ttft`, `itl`, `adjustment_interval` are accepted as aliases.
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
  /// Load predictor: "constant", "arima", "prophet" or "kalman".
  std::string load_predictor = "arima";
  /// Points each predictor keeps (>= 1).
  int load_prediction_window_size = 50;
  /// Mooncake trace whose per-interval series pre-feeds the predictors ("" = none).
  std::string load_predictor_warmup_trace;
  /// ARIMA only: refit on log1p(y) when the search collapses to (0,d,0) (the newer planner's option).
  bool load_predictor_log1p = false;
  /// Kalman: process noise of the level.
  double kalman_q_level = 1.0;
  /// Kalman: process noise of the trend.
  double kalman_q_trend = 0.1;
  /// Kalman: observation noise.
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

  /// Checks every field. \throws std::invalid_argument naming the field, its range and the value
  void validate() const {
    positive("ttft_ms", ttft_ms);
    positive("itl_ms", itl_ms);
    positive("adjustment_interval_s", adjustment_interval_s);
    at_least("min_endpoint", min_endpoint, 1);
    at_least("prefill_engine_num_gpu", prefill_engine_num_gpu, 1);
    at_least("decode_engine_num_gpu", decode_engine_num_gpu, 1);
    at_least("load_prediction_window_size", load_prediction_window_size, 1);
    at_least("kalman_min_points", kalman_min_points, 1);
    at_least("max_replica_change", max_replica_change, 0);
    at_least("scale_down_patience", scale_down_patience, 1);
    non_negative("kalman_q_level", kalman_q_level);
    non_negative("kalman_q_trend", kalman_q_trend);
    positive("kalman_r", kalman_r);
    non_negative("prophet_seasonality_period_s", prophet_seasonality_period_s);
    if (load_predictor != "constant" && load_predictor != "arima" && load_predictor != "prophet" &&
        load_predictor != "kalman")
      throw std::invalid_argument("'load_predictor' must be one of constant, arima, prophet, kalman, got '" +
                                  load_predictor + "'");
    if (max_gpu_budget != -1) {
      if (max_gpu_budget < 1)
        throw std::invalid_argument("'max_gpu_budget' must be >= 1 or -1 (no budget), got " +
                                    std::to_string(max_gpu_budget));
      const long long need = gpus(min_endpoint, min_endpoint);
      if (max_gpu_budget < need)
        throw std::invalid_argument(
            "'max_gpu_budget' (" + std::to_string(max_gpu_budget) + ") cannot hold min_endpoint (" +
            std::to_string(min_endpoint) + ") prefill engines of " + std::to_string(prefill_engine_num_gpu) +
            " GPU(s) and " + std::to_string(min_endpoint) + " decode engines of " +
            std::to_string(decode_engine_num_gpu) + " GPU(s): needs " + std::to_string(need));
    }
  }

  /// Reads a config from a JSON object: known keys override the defaults, unknown keys and
  /// wrongly typed values are errors. Does not validate. \throws std::invalid_argument
  static PlannerConfig from_json(const nlohmann::json& j) { return from_json(j, PlannerConfig()); }
  /// As from_json(j), starting from `base` instead of the defaults.
  static PlannerConfig from_json(const nlohmann::json& j, PlannerConfig base) {
    if (!j.is_object()) throw std::invalid_argument("planner config must be a JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) base.set(it.key(), it.value());
    return base;
  }

  /// Sets one field by name (JSON names; the aliases ttft, itl, adjustment_interval too).
  /// \throws std::invalid_argument for an unknown name or a value of the wrong type
  void set(const std::string& key, const nlohmann::json& v) {
    if (key == "ttft_ms" || key == "ttft") ttft_ms = number(key, v);
    else if (key == "itl_ms" || key == "itl") itl_ms = number(key, v);
    else if (key == "adjustment_interval_s" || key == "adjustment_interval") adjustment_interval_s = number(key, v);
    else if (key == "max_gpu_budget") max_gpu_budget = integer(key, v);
    else if (key == "min_endpoint") min_endpoint = integer(key, v);
    else if (key == "prefill_engine_num_gpu") prefill_engine_num_gpu = integer(key, v);
    else if (key == "decode_engine_num_gpu") decode_engine_num_gpu = integer(key, v);
    else if (key == "load_predictor") load_predictor = text(key, v);
    else if (key == "load_prediction_window_size") load_prediction_window_size = integer(key, v);
    else if (key == "load_predictor_warmup_trace") load_predictor_warmup_trace = v.is_null() ? "" : text(key, v);
    else if (key == "load_predictor_log1p") load_predictor_log1p = boolean(key, v);
    else if (key == "kalman_q_level") kalman_q_level = number(key, v);
    else if (key == "kalman_q_trend") kalman_q_trend = number(key, v);
    else if (key == "kalman_r") kalman_r = number(key, v);
    else if (key == "kalman_min_points") kalman_min_points = integer(key, v);
    else if (key == "prophet_seasonality_period_s") prophet_seasonality_period_s = number(key, v);
    else if (key == "no_correction") no_correction = boolean(key, v);
    else if (key == "max_replica_change") max_replica_change = integer(key, v);
    else if (key == "scale_down_patience") scale_down_patience = integer(key, v);
    else if (key == "scale_down_safety_check") scale_down_safety_check = boolean(key, v);
    else throw std::invalid_argument("unknown planner config key '" + key + "'");
  }

  /// All fields as a JSON object (canonical names).
  nlohmann::json to_json() const {
    return {{"ttft_ms", ttft_ms},
            {"itl_ms", itl_ms},
            {"adjustment_interval_s", adjustment_interval_s},
            {"max_gpu_budget", max_gpu_budget},
            {"min_endpoint", min_endpoint},
            {"prefill_engine_num_gpu", prefill_engine_num_gpu},
            {"decode_engine_num_gpu", decode_engine_num_gpu},
            {"load_predictor", load_predictor},
            {"load_prediction_window_size", load_prediction_window_size},
            {"load_predictor_warmup_trace", load_predictor_warmup_trace},
            {"load_predictor_log1p", load_predictor_log1p},
            {"kalman_q_level", kalman_q_level},
            {"kalman_q_trend", kalman_q_trend},
            {"kalman_r", kalman_r},
            {"kalman_min_points", kalman_min_points},
            {"prophet_seasonality_period_s", prophet_seasonality_period_s},
            {"no_correction", no_correction},
            {"max_replica_change", max_replica_change},
            {"scale_down_patience", scale_down_patience},
            {"scale_down_safety_check", scale_down_safety_check}};
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
  static void at_least(const char* name, long long v, long long lo) {
    if (v < lo)
      throw std::invalid_argument(std::string("'") + name + "' must be >= " + std::to_string(lo) + ", got " +
                                  std::to_string(v));
  }
  static double number(const std::string& k, const nlohmann::json& v) {
    if (!v.is_number()) throw std::invalid_argument("planner config '" + k + "' must be a number, got " + v.dump());
    return v.get<double>();
  }
  static int integer(const std::string& k, const nlohmann::json& v) {
    if (v.is_number_integer()) {
      const auto x = v.get<long long>();
      if (x >= -2147483647LL && x <= 2147483647LL) return static_cast<int>(x);
    } else if (v.is_number_float()) {
      const double x = v.get<double>();
      if (x == std::floor(x) && std::fabs(x) < 2147483647.0) return static_cast<int>(x);
    }
    throw std::invalid_argument("planner config '" + k + "' must be an integer, got " + v.dump());
  }
  static bool boolean(const std::string& k, const nlohmann::json& v) {
    if (!v.is_boolean()) throw std::invalid_argument("planner config '" + k + "' must be true or false, got " + v.dump());
    return v.get<bool>();
  }
  static std::string text(const std::string& k, const nlohmann::json& v) {
    if (!v.is_string()) throw std::invalid_argument("planner config '" + k + "' must be a string, got " + v.dump());
    return v.get<std::string>();
  }
};

}  // namespace sla_planner
