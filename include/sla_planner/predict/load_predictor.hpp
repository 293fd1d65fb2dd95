// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <climits>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include "sla_planner/predict/arima_predictor.hpp"
#include "sla_planner/predict/constant_predictor.hpp"
#include "sla_planner/predict/kalman_predictor.hpp"
#include "sla_planner/predict/predictor_kind.hpp"
#include "sla_planner/predict/prophet_predictor.hpp"

namespace sla_planner {

/// Settings for LoadPredictor::create; each predictor uses the ones that concern it.
struct LoadPredictorOptions {
  std::size_t window_size = 50;          ///< points kept by every predictor
  bool log1p = false;                    ///< ARIMA: log1p fallback when the search collapses to (0,d,0)
  double kalman_q_level = 1.0;           ///< Kalman: process noise of the level
  double kalman_q_trend = 0.1;           ///< Kalman: process noise of the trend
  double kalman_r = 10.0;                ///< Kalman: observation noise
  std::size_t kalman_min_points = 5;     ///< Kalman: points before it forecasts
  double seasonality_period_points = 0;  ///< Prophet: extra Fourier seasonality (order 3) period in points (0 = none)
};

/// Any of the load predictors, chosen by name at run time. Calls dispatch through std::visit
/// (no virtual call); code that knows its predictor type at compile time can use that type directly.
class LoadPredictor {
public:
  using Variant = std::variant<ConstantPredictor, ArimaPredictor, ProphetPredictor, KalmanPredictor>;

  /// Wraps a concrete predictor.
  template <class P, class = std::enable_if_t<!std::is_same_v<std::decay_t<P>, LoadPredictor>>>
  explicit LoadPredictor(P&& p) : v_(std::forward<P>(p)) {}

  /// The predictor called `name` ("constant", "arima", "prophet", "kalman").
  /// \throws std::invalid_argument for an unknown name or invalid options
  static LoadPredictor create(const std::string& name, const LoadPredictorOptions& o = {}) {
    return create(parse_predictor_kind(name), o);
  }

  /// The predictor of kind `kind`. \throws std::invalid_argument for invalid options
  static LoadPredictor create(PredictorKind kind, const LoadPredictorOptions& o = {}) {
    if (o.window_size < 1) throw std::invalid_argument("'window_size' must be >= 1, got 0");
    if (kind == PredictorKind::Constant) return LoadPredictor(ConstantPredictor(o.window_size));
    if (kind == PredictorKind::Prophet) {
      ProphetParams p;
      p.window_size = o.window_size;
      if (o.seasonality_period_points < 0) throw_param_error("seasonality_period_points", ">= 0", o.seasonality_period_points);
      // Points are step_seconds (1 s) apart on Prophet's axis, so a period in points is one in seconds.
      if (o.seasonality_period_points > 0)
        p.seasonalities.push_back({"load_cycle", o.seasonality_period_points * p.step_seconds, 3, 10.0});
      return LoadPredictor(ProphetPredictor(std::move(p)));
    }
    if (kind == PredictorKind::Kalman) {
      KalmanParams k;
      k.window_size = o.window_size;
      k.q_level = o.kalman_q_level;
      k.q_trend = o.kalman_q_trend;
      k.r = o.kalman_r;
      k.min_points = o.kalman_min_points;
      return LoadPredictor(KalmanPredictor(k));
    }
    ArimaParams p;
    p.window_size = o.window_size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(o.window_size);
    p.log1p_fallback = o.log1p;
    return LoadPredictor(ArimaPredictor(p));
  }

  /// Records one interval's value.
  void add_data_point(double v) {
    std::visit([v](auto& p) { p.add_data_point(v); }, v_);
  }
  /// Forecast for the next interval (>= 0, never NaN).
  double predict_next() {
    return std::visit([](auto& p) { return p.predict_next(); }, v_);
  }
  /// Details of the last forecast (status, fallback reason).
  const Forecast& last_forecast() const {
    return std::visit([](const auto& p) -> const Forecast& { return p.last_forecast(); }, v_);
  }
  /// Points currently held.
  std::size_t size() const {
    return std::visit([](const auto& p) { return p.buffer().size(); }, v_);
  }
  /// The predictor's name: "constant", "arima", "prophet" or "kalman".
  const char* name() const { return to_string(kind()).c_str(); }
  /// The predictor's kind.
  PredictorKind kind() const { return static_cast<PredictorKind>(v_.index()); }
  Variant& variant() noexcept { return v_; }
  const Variant& variant() const noexcept { return v_; }

private:
  static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(PredictorKind::Arima), Variant>, ArimaPredictor> &&
                    std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(PredictorKind::Kalman), Variant>, KalmanPredictor>,
                "Variant alternatives follow PredictorKind's order");
  Variant v_;
};

}  // namespace sla_planner
