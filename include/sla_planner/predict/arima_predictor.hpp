// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Auto-ARIMA load predictor: the forecast NVIDIA Dynamo's planner gets from
// pmdarima.auto_arima(window, suppress_warnings=True, error_action="ignore").predict(1)
// (pmdarima 2.0.4 on statsmodels' SARIMAX), re-implemented without Python.
//
// Sources: Hyndman & Khandakar (2008), "Automatic time series forecasting: the forecast package
// for R" (stepwise order search); Kwiatkowski, Phillips, Schmidt & Shin (1992) (KPSS test for
// the differencing order); Jones (1980) and Monahan (1984) (stationary / invertible
// reparameterisation); Durbin & Koopman (2012), "Time Series Analysis by State Space Methods"
// (exact likelihood by the Kalman filter); Byrd, Lu, Nocedal & Zhu (1995) and Moré & Thuente
// (1994) (L-BFGS-B and its line search, as scipy runs them). Reference semantics: pmdarima 2.0.4
// auto_arima / ARIMA and statsmodels 0.13 SARIMAX (see the detail/ headers for the specifics).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/predict/arima_params.hpp"
#include "sla_planner/predict/detail/auto_arima.hpp"
#include "sla_planner/predict/forecast.hpp"
#include "sla_planner/predict/predictor_buffer.hpp"

namespace sla_planner {

/// Orders (p, d, q) of an ARIMA model.
struct ArimaOrder {
  int p = 0, d = 0, q = 0;
  bool operator==(const ArimaOrder& o) const noexcept { return p == o.p && d == o.d && q == o.q; }
  bool operator!=(const ArimaOrder& o) const noexcept { return !(*this == o); }
};

/// Forecasts the next interval with an automatically selected ARIMA(p,d,q) model:
/// d by the KPSS test, (p, q) and the constant by pmdarima's stepwise AIC search, each candidate
/// fitted by exact maximum likelihood. A window of equal values forecasts that value; a window
/// no model can be fitted to forecasts its last value (status NumericalIssue).
/// Not thread-safe; one instance per series.
class ArimaPredictor {
public:
  /// \throws std::invalid_argument when params.validate() does
  explicit ArimaPredictor(ArimaParams params = ArimaParams{})
      : params_((params.validate(), params)), buffer_(static_cast<std::size_t>(params_.window_size)) {}

  /// Records one interval's value (NaN counts as 0; leading zeros are skipped).
  void add_data_point(double v) { buffer_.add(v); }

  /// Forecast for the interval after the buffered ones (>= 0, never NaN).
  double predict_next() { return predict_window(buffer_.values()); }

  /// Forecast for the interval after `window` (oldest first), ignoring the buffer; the same rules
  /// as predict_next except the buffer's (leading zeros, NaN and trimming are the caller's).
  double predict_window(const std::vector<double>& window) {
    model_ = Model{};
    const double last = window.empty() ? 0.0 : window.back();
    if (window.size() < minimum_data_points) {
      last_ = Forecast::finalize(last, last, FitStatus::InsufficientData);
      return last_.value;
    }
    for (double v : window) {
      if (!std::isfinite(v)) {
        last_ = Forecast::finalize(std::nan(""), std::isfinite(last) ? last : 0.0, FitStatus::NumericalIssue,
                                   "ARIMA: the window holds a non-finite value; used the last value");
        return last_.value;
      }
    }
    if (detail::is_constant(window)) {
      last_ = Forecast::finalize(window.front(), last, FitStatus::ConstantWindow);
      return last_.value;
    }
    detail::AutoArimaResult fit = detail::auto_arima(window, search_options());
    if (!fit.ok) {
      last_ = Forecast::finalize(std::nan(""), last, FitStatus::NumericalIssue,
                                 "ARIMA: " + fit.reason + "; used the last value");
      return last_.value;
    }
    if (fit.best.degenerate()) {
      // pmdarima can select a fit whose filter skipped every period (its likelihood is then 0 and
      // its AIC unbeatable); its forecast is meaningless.
      last_ = Forecast::finalize(std::nan(""), last, FitStatus::NumericalIssue,
                                 "ARIMA: the selected model is degenerate (singular prediction variance in every "
                                 "period); used the last value");
      return last_.value;
    }
    set_model(fit.best, false);
    double raw = fit.best.forecast;
    FitStatus status = fit.best.optimizer.converged() ? FitStatus::Success : FitStatus::NotConverged;

    if (params_.log1p_fallback && fit.best.spec.p == 0 && fit.best.spec.q == 0) {
      // The search collapsed to a random walk / mean: refit on log1p(y) and map back.
      std::vector<double> ly(window.size());
      for (std::size_t i = 0; i < window.size(); ++i) ly[i] = std::log1p(std::max(0.0, window[i]));
      if (detail::is_constant(ly)) {
        raw = std::expm1(ly.front());
        status = FitStatus::Success;
        model_.log1p = true;
      } else {
        detail::AutoArimaResult lfit = detail::auto_arima(ly, search_options());
        if (lfit.ok && !lfit.best.degenerate() && std::isfinite(lfit.best.forecast)) {
          set_model(lfit.best, true);
          raw = std::expm1(lfit.best.forecast);
          status = lfit.best.optimizer.converged() ? FitStatus::Success : FitStatus::NotConverged;
        }
      }
    }
    last_ = Forecast::finalize(raw, last, status);
    return last_.value;
  }

  /// Details of the most recent forecast.
  const Forecast& last_forecast() const noexcept { return last_; }
  const PredictorBuffer& buffer() const noexcept { return buffer_; }
  const ArimaParams& params() const noexcept { return params_; }
  static constexpr std::size_t minimum_data_points = 5;

  /// Whether the last forecast came from a fitted model (false for the rule-based answers:
  /// too few points, constant window, no viable model).
  bool has_model() const noexcept { return model_.fitted; }
  /// Order of the model behind the last forecast ({0,0,0} without one).
  ArimaOrder order() const noexcept { return model_.order; }
  /// Whether that model has a constant (a mean for d = 0, a drift for d = 1).
  bool with_intercept() const noexcept { return model_.intercept; }
  /// Whether the forecast came from the log1p fallback model.
  bool used_log1p() const noexcept { return model_.log1p; }

private:
  struct Model {
    bool fitted = false;
    ArimaOrder order;
    bool intercept = false;
    bool log1p = false;
  };

  detail::AutoArimaOptions search_options() const {
    detail::AutoArimaOptions o;
    o.max_p = params_.max_p;
    o.max_q = params_.max_q;
    o.max_d = params_.max_d;
    o.start_p = params_.start_p;
    o.start_q = params_.start_q;
    o.alpha = params_.alpha;
    o.max_fits = params_.max_fits;
    o.lbfgs.max_iterations = params_.max_iter;
    return o;
  }

  void set_model(const detail::ArimaFit& f, bool log1p) {
    model_.fitted = true;
    model_.order = ArimaOrder{f.spec.p, f.spec.d, f.spec.q};
    model_.intercept = f.spec.intercept;
    model_.log1p = log1p;
  }

  ArimaParams params_;
  PredictorBuffer buffer_;
  Forecast last_;
  Model model_;
};

}  // namespace sla_planner
