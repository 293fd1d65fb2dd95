// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// The planning loop of NVIDIA Dynamo's SLA planner (planner_core.py: observe_metrics,
// make_adjustments, _compute_replica_requirements) as a plain object: no I/O, no logger, no clock.
// Fixed relative to the reference: idle intervals are observations (load 0, so the plan goes down
// to min_endpoint) instead of NaN that froze the fleet; invalid correction inputs keep the previous
// factor instead of dividing by zero; the GPU budget is never exceeded.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/planner/decision.hpp"
#include "sla_planner/planner/metrics.hpp"
#include "sla_planner/planner/planner_config.hpp"
#include "sla_planner/interp/decode_operating_point.hpp"
#include "sla_planner/planner/replica_calculator.hpp"
#include "sla_planner/planner/scale_limits.hpp"
#include "sla_planner/predict/load_predictor.hpp"
#include "sla_planner/util/format.hpp"

namespace sla_planner {

/// The planner: feed it one Metrics per adjustment interval with observe(), ask plan() for the
/// engine counts of the next interval.
///
/// `Perf` is the performance model: ProfilePerfModel (the profile interpolators) or any type with
/// `prefill_ttft_ms(isl)`, `prefill_thpt_per_gpu(isl)`, `decode_itl_ms(concurrency, context)` and
/// `decode_best(itl_ms, context) -> DecodeOperatingPoint`.
///
/// Thread-compatible: one planner per thread; distinct planners share nothing.
template <class Perf>
class BasicPlanner {
public:
  /// \throws std::invalid_argument when the config is invalid
  BasicPlanner(PlannerConfig config, Perf perf)
      : config_(std::move(config)),
        calc_(config_),
        perf_(std::move(perf)),
        num_req_(make_predictor()),
        isl_(make_predictor()),
        osl_(make_predictor()),
        limits_(config_) {}

  /// Records one interval. A missing or NaN request count counts as 0; when the interval had no
  /// requests (or no ISL/OSL), the ISL/OSL of the last non-empty interval are carried forward.
  void observe(const Metrics& m) {
    Observed o;
    o.num_req = finite_non_negative(m.num_req).value_or(0.0);
    const auto isl = finite_non_negative(m.isl), osl = finite_non_negative(m.osl);
    if (o.num_req > 0 && isl) last_isl_ = *isl;
    if (o.num_req > 0 && osl) last_osl_ = *osl;
    o.isl = last_isl_;
    o.osl = last_osl_;
    o.ttft_ms = m.ttft_ms;
    o.itl_ms = m.itl_ms;
    o.request_duration_s = m.request_duration_s;
    num_req_.add_data_point(o.num_req);
    isl_.add_data_point(o.isl.value_or(std::nan("")));
    osl_.add_data_point(o.osl.value_or(std::nan("")));
    pending_ = o;
    last_observed_ = o;
  }

  /// Pre-feeds the three predictors with a history (e.g. the per-interval series of a trace),
  /// as the Python planner's warm-up trace option does. Does not touch correction factors.
  void warm_up(const std::vector<double>& num_req, const std::vector<double>& isl, const std::vector<double>& osl) {
    const std::size_t n = std::min({num_req.size(), isl.size(), osl.size()});
    for (std::size_t i = 0; i < n; ++i) {
      num_req_.add_data_point(num_req[i]);
      isl_.add_data_point(isl[i]);
      osl_.add_data_point(osl[i]);
      if (num_req[i] > 0 && std::isfinite(isl[i])) last_isl_ = isl[i];
      if (num_req[i] > 0 && std::isfinite(osl[i])) last_osl_ = osl[i];
    }
  }

  /// Decides the engine counts for the next interval, scaling from `current`.
  /// Order, as the reference: update correction factors from the last observation, predict the
  /// load, compute replicas, apply the budget; then the optional policies (patience, change cap,
  /// safety check), and the budget once more so that it is never exceeded.
  Decision plan(WorkerCounts current = {}) {
    num_req_.predict_next();
    isl_.predict_next();
    osl_.predict_next();
    return plan(current, LoadForecast{num_req_.last_forecast(), isl_.last_forecast(), osl_.last_forecast()});
  }

  /// plan() with the load forecast supplied by the caller; the planner's predictors are not asked.
  /// Forecasts depend only on what was observed, so a caller that knows the observations ahead
  /// (a dry run) can compute them elsewhere, e.g. in parallel, from copies of this planner.
  Decision plan(WorkerCounts current, const LoadForecast& forecast) {
    Decision d;
    current.prefill = std::max<long long>(current.prefill, 0);
    current.decode = std::max<long long>(current.decode, 0);
    if (!config_.no_correction) update_correction_factors(current, d.notes);
    pending_.reset();

    d.predicted_num_req = forecast.num_req.value;
    d.predicted_isl = forecast.isl.value;
    d.predicted_osl = forecast.osl.value;
    note_forecast(d.notes, "num_req", forecast.num_req);
    note_forecast(d.notes, "isl", forecast.isl);
    note_forecast(d.notes, "osl", forecast.osl);
    d.notes.push_back("Predicted load: num_req=" + fmt2(d.predicted_num_req) + ", isl=" + fmt2(d.predicted_isl) +
                      ", osl=" + fmt2(d.predicted_osl));

    d.prefill_correction = p_factor_;
    d.decode_correction = d_factor_;
    d.corrected_itl_ms = ReplicaCalculator::corrected_itl(config_.itl_ms, d_factor_);
    if (!(d_factor_ > 0)) d.notes.push_back("decode correction factor " + fmt2(d_factor_) + " is not positive; using the ITL target as is");
    const double context = d.predicted_isl + d.predicted_osl / 2.0;
    const double p_thpt = perf_.prefill_thpt_per_gpu(d.predicted_isl);
    const DecodeOperatingPoint best = perf_.decode_best(d.corrected_itl_ms, context);
    ReplicaPlan r = calc_.compute(d.predicted_num_req, d.predicted_isl, d.predicted_osl, p_thpt, best.thpt_per_gpu,
                                  p_factor_);
    d.notes.insert(d.notes.end(), r.notes.begin(), r.notes.end());
    d.prefill_tokens_per_s = r.prefill_tokens_per_s;
    d.decode_tokens_per_s = r.decode_tokens_per_s;
    d.prefill_engine_capacity = r.prefill_engine_capacity;
    d.decode_engine_capacity = r.decode_engine_capacity;
    d.budget_limited = r.budget_limited;

    const WorkerCounts limited = limits_.apply(WorkerCounts{r.num_prefill, r.num_decode}, current, d.notes);
    long long p = limited.prefill;
    long long q = limited.decode;
    if (config_.scale_down_safety_check) {
      p = safe_prefill_count(p, current.prefill, d.notes);
      q = safe_decode_count(q, current.decode, d.notes);
    }
    if (config_.has_budget() && config_.gpus(p, q) > config_.max_gpu_budget) {
      ReplicaPlan fit;
      fit.num_prefill = p;
      fit.num_decode = q;
      calc_.apply_budget(fit);
      d.notes.insert(d.notes.end(), fit.notes.begin(), fit.notes.end());
      p = fit.num_prefill;
      q = fit.num_decode;
      d.budget_limited = true;
    }
    d.num_prefill = p;
    d.num_decode = q;
    d.gpus = config_.gpus(p, q);
    return d;
  }

  const PlannerConfig& config() const noexcept { return config_; }
  const Perf& perf() const noexcept { return perf_; }
  /// Observed / interpolated TTFT in use (1 until corrected).
  double prefill_correction() const noexcept { return p_factor_; }
  /// Observed / interpolated ITL in use (1 until corrected).
  double decode_correction() const noexcept { return d_factor_; }
  /// Sets the correction factors (e.g. restored from a previous run).
  void set_correction_factors(double prefill, double decode) noexcept {
    p_factor_ = prefill;
    d_factor_ = decode;
  }
  const LoadPredictor& num_req_predictor() const noexcept { return num_req_; }
  const LoadPredictor& isl_predictor() const noexcept { return isl_; }
  const LoadPredictor& osl_predictor() const noexcept { return osl_; }

private:
  struct Observed {
    double num_req = 0;
    std::optional<double> isl, osl, ttft_ms, itl_ms, request_duration_s;
  };

  LoadPredictor make_predictor() const {
    LoadPredictorOptions o;
    o.window_size = static_cast<std::size_t>(config_.load_prediction_window_size);
    o.log1p = config_.load_predictor_log1p;
    o.kalman_q_level = config_.kalman_q_level;
    o.kalman_q_trend = config_.kalman_q_trend;
    o.kalman_r = config_.kalman_r;
    o.kalman_min_points = static_cast<std::size_t>(config_.kalman_min_points);
    // One history point is one adjustment interval; a period in seconds becomes one in points.
    o.seasonality_period_points = config_.prophet_seasonality_period_s / config_.adjustment_interval_s;
    return LoadPredictor::create(config_.load_predictor, o);
  }

  static std::optional<double> finite_non_negative(const std::optional<double>& v) {
    if (v && std::isfinite(*v) && *v >= 0) return v;
    return std::nullopt;
  }
  static std::optional<double> finite_positive(const std::optional<double>& v) {
    if (v && std::isfinite(*v) && *v > 0) return v;
    return std::nullopt;
  }

  void update_correction_factors(const WorkerCounts& current, std::vector<std::string>& notes) {
    if (!pending_) return;
    const Observed& o = *pending_;
    if (!(o.num_req > 0)) {
      notes.push_back("no requests in the last interval; correction factors kept (TTFT " + fmt3(p_factor_) +
                      ", ITL " + fmt3(d_factor_) + ")");
      return;
    }
    // Prefill: observed TTFT / TTFT the profile predicts at the observed ISL.
    const auto ttft = finite_positive(o.ttft_ms);
    const double expect_ttft = o.isl ? perf_.prefill_ttft_ms(*o.isl) : std::nan("");
    if (ttft && expect_ttft > 0 && std::isfinite(expect_ttft)) {
      p_factor_ = *ttft / expect_ttft;
    } else {
      notes.push_back(std::string("prefill correction factor kept at ") + fmt3(p_factor_) + ": " +
                      (!ttft ? "observed TTFT is missing, zero, negative or NaN"
                             : "interpolated TTFT is not positive"));
    }
    // Decode: observed ITL / ITL the profile predicts at the observed per-engine concurrency.
    const auto itl = finite_positive(o.itl_ms);
    const auto duration = finite_positive(o.request_duration_s);
    std::string why;
    if (!itl) why = "observed ITL is missing, zero, negative or NaN";
    else if (!duration) why = "request duration is missing, zero, negative or NaN";
    else if (current.decode < 1) why = "there are no decode workers";
    else if (!o.isl || !o.osl) why = "ISL/OSL are unknown";
    if (why.empty()) {
      const double concurrency = o.num_req / static_cast<double>(current.decode) * *duration / config_.adjustment_interval_s;
      const double expect_itl = perf_.decode_itl_ms(concurrency, *o.isl + *o.osl / 2.0);
      if (expect_itl > 0 && std::isfinite(expect_itl)) d_factor_ = *itl / expect_itl;
      else why = "interpolated ITL is not positive";
    }
    if (!why.empty()) notes.push_back("decode correction factor kept at " + fmt3(d_factor_) + ": " + why);
    notes.push_back("Correction factors: TTFT: " + fmt3(p_factor_) + ", ITL: " + fmt3(d_factor_));
  }

  static void note_forecast(std::vector<std::string>& notes, const char* what, const Forecast& f) {
    if (f.fell_back) notes.push_back(std::string(what) + " forecast fell back to the last value: " + f.reason);
    if (f.clamped) notes.push_back(std::string(what) + " forecast was negative; clamped at 0");
  }

  /// Smallest count in [target, current] whose engines carry the last observed prefill load
  /// within their profiled capacity.
  long long safe_prefill_count(long long target, long long current, std::vector<std::string>& notes) const {
    if (target >= current || !last_observed_ || !(last_observed_->num_req > 0) || !last_observed_->isl) return target;
    const Observed& o = *last_observed_;
    const double load = o.num_req * *o.isl / config_.adjustment_interval_s;
    const double cap = perf_.prefill_thpt_per_gpu(*o.isl) * config_.prefill_engine_num_gpu;
    long long m = target;
    while (m < current && !(cap > 0 && load <= cap * static_cast<double>(m))) ++m;
    if (m != target)
      notes.push_back("prefill scale-down to " + std::to_string(target) + " refused by the safety check: " +
                      fmt2(load) + " tokens/s observed needs " + std::to_string(m) + " engines of " + fmt2(cap));
    return m;
  }

  /// Smallest count in [target, current] whose engines keep the model ITL (with the decode
  /// correction) within the target at the last observed concurrency.
  long long safe_decode_count(long long target, long long current, std::vector<std::string>& notes) const {
    if (target >= current || !last_observed_ || !(last_observed_->num_req > 0) || !last_observed_->isl ||
        !last_observed_->osl)
      return target;
    const Observed& o = *last_observed_;
    // Requests in flight (Little's law): arrivals per second × seconds each request lasts. Without
    // a measured duration, a request lasts its decode time at the ITL target.
    const auto duration = finite_positive(o.request_duration_s);
    const double seconds = duration ? *duration : *o.osl * config_.itl_ms / 1000.0;
    const double in_flight = o.num_req / config_.adjustment_interval_s * seconds;
    const double context = *o.isl + *o.osl / 2.0;
    const double factor = d_factor_ > 0 && std::isfinite(d_factor_) ? d_factor_ : 1.0;
    long long m = std::max<long long>(target, 1);
    while (m < current && !(perf_.decode_itl_ms(in_flight / static_cast<double>(m), context) * factor <= config_.itl_ms)) ++m;
    if (m != target)
      notes.push_back("decode scale-down to " + std::to_string(target) + " refused by the safety check: " +
                      fmt2(in_flight) + " requests in flight need " + std::to_string(m) + " engines to keep ITL <= " +
                      fmt2(config_.itl_ms) + " ms");
    return m;
  }

  static std::string fmt2(double v) { return format_fixed(v, 2); }
  static std::string fmt3(double v) { return format_fixed(v, 3); }

  PlannerConfig config_;
  ReplicaCalculator calc_;
  Perf perf_;
  LoadPredictor num_req_, isl_, osl_;
  double p_factor_ = 1.0, d_factor_ = 1.0;
  std::optional<double> last_isl_, last_osl_;
  std::optional<Observed> pending_, last_observed_;
  ScaleLimits limits_;
};

}  // namespace sla_planner
