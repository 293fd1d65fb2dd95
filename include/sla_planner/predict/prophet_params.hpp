// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Parameters of ProphetPredictor. Defaults are those of Prophet 1.0 (`Prophet()`; Taylor & Letham,
// "Forecasting at scale", The American Statistician 72(1), 2018) as the Python SLA planner uses it.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "sla_planner/util/checks.hpp"

namespace sla_planner {

/// How a built-in seasonality (yearly, weekly, daily) is chosen, as Prophet's `*_seasonality` arguments.
enum class SeasonalitySwitch {
  Auto,  ///< on only when the history spans two periods (and, for weekly/daily, points are closer than a period)
  On,    ///< always on
  Off,   ///< always off
};

/// How the posterior mode is searched for.
enum class ProphetOptimizer {
  Auto,        ///< as Prophet: StanNewton below 100 points, LBFGS from 100 on
  StanNewton,  ///< Stan's Newton method as rstan 2.21 runs it (the reference's path, quirks included)
  LBFGS,       ///< L-BFGS-B (LBFGSpp) to the local posterior mode, changepoints released when they should move
};

/// A Fourier seasonality with a user period (Prophet's `add_seasonality`, additive mode).
struct Seasonality {
  /// Name; "yearly", "weekly" or "daily" replaces the built-in one of that name when it is on Auto.
  std::string name = "custom";
  /// Period in seconds on the model's time axis (points are `step_seconds` apart). Must be > 0.
  double period_seconds = 600.0;
  /// Number of sine/cosine pairs. Must be >= 1.
  int fourier_order = 3;
  /// Standard deviation of the normal prior on each Fourier coefficient (of y / y_scale). Must be > 0.
  double prior_scale = 10.0;
};

/// Model and optimizer settings of ProphetPredictor.
struct ProphetParams {
  /// Points kept (the newest ones). Must be >= 1.
  std::size_t window_size = 50;
  /// Potential trend changepoints (fewer when the history is short, as Prophet does). Must be >= 0.
  int n_changepoints = 25;
  /// Share of the history in which changepoints are placed. Must be in (0, 1].
  double changepoint_range = 0.8;
  /// Scale of the Laplace prior on the changepoint slope changes. Must be > 0.
  double changepoint_prior_scale = 0.05;
  /// Seconds between consecutive points on the model's time axis. The Python planner stamps points
  /// 1 s apart whatever the adjustment interval, which keeps every built-in seasonality off. Must be > 0.
  double step_seconds = 1.0;
  /// Built-in yearly seasonality (period 365.25 days, order 10).
  SeasonalitySwitch yearly_seasonality = SeasonalitySwitch::Auto;
  /// Built-in weekly seasonality (period 7 days, order 3).
  SeasonalitySwitch weekly_seasonality = SeasonalitySwitch::Auto;
  /// Built-in daily seasonality (period 1 day, order 4).
  SeasonalitySwitch daily_seasonality = SeasonalitySwitch::Auto;
  /// Prior scale of the built-in seasonalities. Must be > 0.
  double seasonality_prior_scale = 10.0;
  /// User seasonalities, e.g. {"load_cycle", 600, 3, 10} for a 10-minute cycle at 1 s per point.
  std::vector<Seasonality> seasonalities;

  /// Search method; Auto follows Prophet's choice.
  ProphetOptimizer optimizer = ProphetOptimizer::Auto;
  /// Iteration limit of either method (Stan's `iter`). Must be >= 1.
  int max_iterations = 10000;
  /// L-BFGS-B only: history size (Stan's `history_size`). Must be >= 1.
  int lbfgs_history = 5;
  /// L-BFGS-B only: stop when the largest projected-gradient component is below this (Stan's
  /// `tol_grad`). Must be >= 0. (Stan's Newton stops when the log density changes by <= 1e-8.)
  double tol_grad = 1e-8;
  /// L-BFGS-B only: stop when the objective changes by less than this many machine epsilons,
  /// relative to its size (Stan's `tol_rel_obj`). Must be >= 0.
  double tol_rel_obj = 1e4;

  /// \throws std::invalid_argument naming the first field out of range
  void validate() const {
    if (window_size < 1) throw_param_error("window_size", ">= 1", window_size);
    if (n_changepoints < 0) throw_param_error("n_changepoints", ">= 0", n_changepoints);
    if (!(changepoint_range > 0.0 && changepoint_range <= 1.0))
      throw_param_error("changepoint_range", "in (0, 1]", changepoint_range);
    if (!(changepoint_prior_scale > 0.0) || !std::isfinite(changepoint_prior_scale))
      throw_param_error("changepoint_prior_scale", "> 0", changepoint_prior_scale);
    if (!(step_seconds > 0.0) || !std::isfinite(step_seconds))
      throw_param_error("step_seconds", "> 0", step_seconds);
    if (!(seasonality_prior_scale > 0.0) || !std::isfinite(seasonality_prior_scale))
      throw_param_error("seasonality_prior_scale", "> 0", seasonality_prior_scale);
    for (const Seasonality& s : seasonalities) {
      if (!(s.period_seconds > 0.0) || !std::isfinite(s.period_seconds))
        throw_param_error("seasonalities.period_seconds", "> 0", s.period_seconds);
      if (s.fourier_order < 1) throw_param_error("seasonalities.fourier_order", ">= 1", s.fourier_order);
      if (!(s.prior_scale > 0.0) || !std::isfinite(s.prior_scale))
        throw_param_error("seasonalities.prior_scale", "> 0", s.prior_scale);
    }
    if (max_iterations < 1) throw_param_error("max_iterations", ">= 1", max_iterations);
    if (lbfgs_history < 1) throw_param_error("lbfgs_history", ">= 1", lbfgs_history);
    if (!(tol_grad >= 0.0)) throw_param_error("tol_grad", ">= 0", tol_grad);
    if (!(tol_rel_obj >= 0.0)) throw_param_error("tol_rel_obj", ">= 0", tol_rel_obj);
  }
};

}  // namespace sla_planner
