// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Prophet load predictor: the maximum a-posteriori fit of Prophet's piecewise-linear trend model
// (Taylor & Letham, "Forecasting at scale", The American Statistician 72(1), 2018) to the window,
// extrapolated one step. Reference semantics: Prophet 1.0 (Python `prophet`, R `prophet`; Stan
// model `prophet.stan`) called as NVIDIA Dynamo's Python SLA planner calls it — points 1 s apart from
// 2024-01-01 00:00:00, default `Prophet()`, forecast for the next second.
//
// Fit: y / max|y|, t scaled to [0, 1], changepoints and seasonalities placed by Prophet's rules,
// start from Prophet's `linear_growth_init`. Like Prophet, histories under 100 points are optimized
// with Stan's Newton method (detail/stan_newton.hpp, rstan 2.21's algorithm step for step, so the
// forecasts follow R prophet to ~1e-10), longer ones with L-BFGS-B (LBFGSpp, analytic gradient),
// which reaches the local posterior mode; Stan's own L-BFGS path is not reproduced.
#pragma once

#include <LBFGSB.h>

#include <cmath>
#include <cstddef>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "sla_planner/predict/detail/prophet_model.hpp"
#include "sla_planner/predict/detail/stan_newton.hpp"
#include "sla_planner/predict/forecast.hpp"
#include "sla_planner/predict/predictor_buffer.hpp"
#include "sla_planner/predict/prophet_params.hpp"

namespace sla_planner {

/// The model fitted by the latest ProphetPredictor::predict_next(), on Prophet's scales.
struct ProphetFit {
  double y_scale = 1.0;                  ///< max |y| of the window (1 when all are 0)
  double k = 0.0;                        ///< base growth rate (per unit of scaled time)
  double m = 0.0;                        ///< offset
  std::vector<double> delta;             ///< slope change at each changepoint
  std::vector<double> changepoints_t;    ///< changepoint times (scaled)
  std::vector<double> beta;              ///< Fourier coefficients, seasonality by seasonality (sin, cos)
  std::vector<std::string> seasonalities;  ///< names of the seasonalities in the model
  double sigma_obs = 0.0;                ///< noise standard deviation (scaled)
  double objective = 0.0;                ///< negative log posterior at the fit (constants dropped)
  int iterations = 0;                    ///< Newton steps, or L-BFGS-B iterations (a run cut short by its line search counts 1)
  int restarts = 0;                      ///< L-BFGS-B restarts after a failed line search
  bool changepoints_released = false;    ///< L-BFGS-B only: a second phase let the slope changes move off 0
  ProphetOptimizer optimizer = ProphetOptimizer::Auto;  ///< method used (StanNewton or LBFGS; Auto: none ran)
  long evaluations = 0;                  ///< full log-density evaluations
  double t_next = 0.0;                   ///< scaled time of the forecast point
  double forecast_raw = 0.0;             ///< the model's forecast before the output rules (may be < 0)
};

/// Forecasts the next interval with Prophet's trend (plus any seasonalities) fitted to the window.
class ProphetPredictor {
public:
  /// \throws std::invalid_argument when a parameter is out of range (see ProphetParams::validate)
  explicit ProphetPredictor(ProphetParams params = {}) : params_(checked(std::move(params))), buffer_(params_.window_size) {}

  /// Records one interval's value (NaN counts as 0; leading zeros are skipped).
  void add_data_point(double v) {
    if (buffer_.add(v)) ++steps_;
  }

  /// Fits the model to the window and returns the forecast for the next point (>= 0).
  /// Fewer than 5 points, a constant window or a failed fit give the last value (see last_forecast()).
  double predict_next() {
    const std::vector<double>& y = buffer_.values();
    const double last = buffer_.last();
    fit_ = ProphetFit{};
    if (y.size() < minimum_data_points) {
      last_ = Forecast::finalize(last, last, FitStatus::InsufficientData);
      return last_.value;
    }
    bool finite = true, constant = true;
    for (double v : y) {
      finite = finite && std::isfinite(v);
      constant = constant && v == y.front();
    }
    if (!finite) {
      last_ = Forecast::finalize(last, last, FitStatus::NumericalIssue, "window holds a non-finite value; used the last value");
      last_.fell_back = true;
      return last_.value;
    }
    if (constant) {
      // Prophet skips the fit and keeps its initial, flat trend at the common value.
      last_ = Forecast::finalize(y.front(), last, FitStatus::ConstantWindow);
      return last_.value;
    }
    last_ = fit_and_forecast(y, last);
    return last_.value;
  }

  /// Details of the most recent predict_next().
  const Forecast& last_forecast() const noexcept { return last_; }
  /// Fitted parameters of the most recent predict_next() (default values when no fit ran).
  const ProphetFit& last_fit() const noexcept { return fit_; }
  const PredictorBuffer& buffer() const noexcept { return buffer_; }
  const ProphetParams& params() const noexcept { return params_; }
  static constexpr std::size_t minimum_data_points = 5;

private:
  static ProphetParams checked(ProphetParams p) {
    p.validate();
    return p;
  }

  Forecast fit_and_forecast(const std::vector<double>& values, double last) {
    const std::size_t n = values.size();
    const Eigen::Index T = static_cast<Eigen::Index>(n);

    // Scales (Prophet 1.0: y_scale = max|y - floor|, floor 0; t over the history).
    double y_scale = 0.0;
    for (double v : values) y_scale = std::max(y_scale, std::abs(v));
    if (y_scale == 0.0) y_scale = 1.0;
    detail::ProphetData d;
    d.tau = params_.changepoint_prior_scale;
    d.t.resize(T);
    d.y.resize(T);
    for (Eigen::Index i = 0; i < T; ++i) {
      d.t[i] = static_cast<double>(i) / static_cast<double>(T - 1);
      d.y[i] = values[static_cast<std::size_t>(i)] / y_scale;
    }

    // Changepoints; none at all means Prophet's dummy changepoint at t = 0.
    d.cp_index = detail::prophet_changepoint_indexes(n, params_.n_changepoints, params_.changepoint_range);
    if (d.cp_index.empty()) d.cp_index.push_back(0);
    d.cp_t.resize(static_cast<Eigen::Index>(d.cp_index.size()));
    for (std::size_t j = 0; j < d.cp_index.size(); ++j) d.cp_t[static_cast<Eigen::Index>(j)] = d.t[d.cp_index[j]];

    // Seasonal features at each point's timestamp (2024-01-01 + step index * step_seconds).
    const std::vector<detail::ActiveSeasonality> seas = detail::prophet_active_seasonalities(params_, n);
    Eigen::Index K = 0;
    for (const auto& s : seas) K += 2 * s.fourier_order;
    d.X.resize(T, K);
    d.beta_scale.resize(K);
    {
      Eigen::Index col = 0;
      for (const auto& s : seas)
        for (int h = 0; h < 2 * s.fourier_order; ++h) d.beta_scale[col++] = s.prior_scale;
    }
    const double first_step = static_cast<double>(steps_ - n);
    auto epoch_of = [&](double step) { return detail::kProphetEpochStart + step * params_.step_seconds; };
    for (Eigen::Index i = 0; i < T; ++i) detail::prophet_fourier_row(epoch_of(first_step + static_cast<double>(i)), seas, d.X.row(i));

    // Prophet's initialisation: line through the first and last points, delta = beta = 0, sigma = 1.
    detail::ProphetObjective objective(d);
    const detail::ProphetLayout& lay = objective.layout();
    Eigen::VectorXd x = Eigen::VectorXd::Zero(lay.size());
    x[lay.k] = (d.y[T - 1] - d.y[0]) / (d.t[T - 1] - d.t[0]);
    x[lay.m] = d.y[0] - x[lay.k] * d.t[0];
    x[lay.log_sigma] = 0.0;
    fit_.t_next = static_cast<double>(T) / static_cast<double>(T - 1);

    // Points exactly on that line: the posterior grows without bound as sigma_obs -> 0 with the line
    // itself as the limit (Stan ends there too, sigma ~ 1e-17); skip the ill-conditioned search.
    if (((d.t * x[lay.k]).array() + x[lay.m] - d.y.array()).abs().maxCoeff() <= kExactFitTol) {
      fit_.y_scale = y_scale;
      fit_.k = x[lay.k];
      fit_.m = x[lay.m];
      fit_.delta.assign(d.cp_index.size(), 0.0);
      for (Eigen::Index j = 0; j < d.S(); ++j) fit_.changepoints_t.push_back(d.cp_t[j]);
      fit_.beta.assign(static_cast<std::size_t>(K), 0.0);
      for (const auto& s : seas) fit_.seasonalities.push_back(s.name);
      fit_.forecast_raw = (fit_.k * fit_.t_next + fit_.m) * y_scale;
      return Forecast::finalize(fit_.forecast_raw, last, FitStatus::Success);
    }
    const bool newton = params_.optimizer == ProphetOptimizer::StanNewton ||
                        (params_.optimizer == ProphetOptimizer::Auto && n < kNewtonBelow);
    if (newton) {
      // Stan's Newton method on [k, m, log sigma_obs, beta, delta] from the same start.
      detail::ProphetStanDensity density(d);
      Eigen::VectorXd z = Eigen::VectorXd::Zero(density.size());
      z[0] = x[lay.k];
      z[1] = x[lay.m];
      const detail::StanNewtonResult r = detail::stan_newton(density, z, params_.max_iterations);
      fit_.optimizer = ProphetOptimizer::StanNewton;
      fit_.iterations = r.iterations;
      fit_.evaluations = density.evaluations();
      fit_.objective = -r.log_density;
      if (!z.allFinite() || !std::isfinite(r.log_density))
        return Forecast::finalize(std::numeric_limits<double>::quiet_NaN(), last, FitStatus::NumericalIssue,
                                  "the fit produced non-finite parameters; used the last value");
      std::vector<double> delta(static_cast<std::size_t>(d.S()));
      for (Eigen::Index j = 0; j < d.S(); ++j) delta[static_cast<std::size_t>(j)] = z[density.delta(j)];
      const FitStatus st = r.converged ? FitStatus::Success : FitStatus::NotConverged;
      return finish(d, seas, y_scale, z[0], z[1], std::exp(z[2]), delta, z.segment(density.beta(0), K),
                    epoch_of(first_step + static_cast<double>(T)), last, st,
                    r.converged ? "" : "Newton reached max_iterations; used its last point");
    }

    const double inf = std::numeric_limits<double>::infinity();
    Eigen::VectorXd lb = Eigen::VectorXd::Constant(lay.size(), -inf);
    Eigen::VectorXd ub = Eigen::VectorXd::Constant(lay.size(), inf);
    lb.tail(2 * lay.S).setZero();
    lb[lay.log_sigma] = std::log(kSigmaFloor);

    // Phase 1: the changepoint slope changes held at their start value 0 (Prophet's `delta = 0`).
    // Phase 2, only when the optimality condition |d f / d delta_j| <= 1/tau fails for some j there:
    // release them. The result is the local posterior mode next to Prophet's start. (The posterior
    // can have a second, unbounded mode as sigma -> 0 on windows that a few line pieces fit exactly;
    // a free first descent can slide into it. Stan's Newton, for its part, often keeps delta at 0
    // even where the condition fails; see detail/stan_newton.hpp.)
    Eigen::VectorXd ub_fixed = ub;
    ub_fixed.tail(2 * lay.S).setZero();
    fit_.optimizer = ProphetOptimizer::LBFGS;
    Run run = minimize(objective, x, lb, ub_fixed, params_.max_iterations);
    if (objective.has_best()) x = objective.best_point();
    if (x.allFinite() && !changepoints_optimal(objective, x)) {
      const Run second = minimize(objective, x, lb, ub, params_.max_iterations - run.iterations);
      run.iterations += second.iterations;
      run.restarts += second.restarts;
      run.status = second.status;
      run.why = second.why;
      fit_.changepoints_released = true;
    }
    FitStatus status = run.status;
    std::string why = run.why;
    double fx = objective.has_best() ? objective.best_value() : std::numeric_limits<double>::quiet_NaN();
    if (objective.has_best()) x = objective.best_point();
    fit_.restarts = run.restarts;
    const int iterations = run.iterations;
    if (!objective.has_best() || !x.allFinite()) {
      return Forecast::finalize(std::numeric_limits<double>::quiet_NaN(), last, FitStatus::NumericalIssue,
                                "the fit produced non-finite parameters; used the last value");
    }

    fit_.objective = fx;
    fit_.iterations = iterations;
    fit_.evaluations = objective.evaluations();
    std::vector<double> delta(static_cast<std::size_t>(lay.S));
    for (Eigen::Index j = 0; j < lay.S; ++j) delta[static_cast<std::size_t>(j)] = x[lay.dplus(j)] - x[lay.dminus(j)];
    return finish(d, seas, y_scale, x[lay.k], x[lay.m], std::exp(x[lay.log_sigma]), delta,
                  x.segment(lay.beta(0), K), epoch_of(first_step + static_cast<double>(T)), last, status, std::move(why));
  }

  /// Stores the fitted parameters and returns the forecast: the trend at the next point's time,
  /// extrapolated with the final slope, plus the seasonal terms there, in the data's units.
  Forecast finish(const detail::ProphetData& d, const std::vector<detail::ActiveSeasonality>& seas, double y_scale,
                  double k, double m, double sigma, const std::vector<double>& delta,
                  const Eigen::Ref<const Eigen::VectorXd>& beta, double next_epoch, double last, FitStatus status,
                  std::string why) {
    fit_.y_scale = y_scale;
    fit_.k = k;
    fit_.m = m;
    fit_.sigma_obs = sigma;
    fit_.delta = delta;
    fit_.changepoints_t.assign(d.cp_t.data(), d.cp_t.data() + d.cp_t.size());
    fit_.beta.assign(beta.data(), beta.data() + beta.size());
    for (const auto& s : seas) fit_.seasonalities.push_back(s.name);
    double trend = k * fit_.t_next + m;
    for (std::size_t j = 0; j < delta.size(); ++j) trend += delta[j] * (fit_.t_next - fit_.changepoints_t[j]);
    double seasonal = 0.0;
    if (beta.size() > 0) {
      Eigen::RowVectorXd row(beta.size());
      detail::prophet_fourier_row(next_epoch, seas, row);
      seasonal = row.dot(beta);
    }
    fit_.forecast_raw = (trend + seasonal) * y_scale;
    return Forecast::finalize(fit_.forecast_raw, last, status, std::move(why));
  }

  struct Run {
    FitStatus status = FitStatus::Success;
    std::string why;
    int iterations = 0;
    int restarts = 0;
  };

  /// L-BFGS-B from `x` within [lb, ub], at most `budget` iterations. A line search that cannot find a
  /// decrease throws; the run then restarts from the best point with a fresh curvature memory while
  /// restarts keep making progress. The best point is kept by `objective`.
  Run minimize(detail::ProphetObjective& objective, Eigen::VectorXd& x, const Eigen::VectorXd& lb,
               const Eigen::VectorXd& ub, int budget) const {
    Run run;
    LBFGSpp::LBFGSBParam<double> opt;
    opt.m = params_.lbfgs_history;
    opt.epsilon = params_.tol_grad;
    opt.epsilon_rel = 0.0;
    opt.past = 1;
    opt.delta = params_.tol_rel_obj * std::numeric_limits<double>::epsilon();
    if (budget < 1) {
      run.status = FitStatus::NotConverged;
      run.why = "L-BFGS-B reached max_iterations; used its best point";
      return run;
    }
    opt.max_iterations = budget;
    LBFGSpp::LBFGSBSolver<double> solver(opt);
    double fx = 0.0;
    for (int restart = 0; restart <= kMaxRestarts; ++restart) {
      const double before = objective.has_best() ? objective.best_value() : std::numeric_limits<double>::infinity();
      opt.max_iterations = budget - run.iterations;
      try {
        run.iterations += solver.minimize(objective, x, fx, lb, ub);
        const bool capped = run.iterations >= budget;
        run.status = capped ? FitStatus::NotConverged : FitStatus::Success;
        run.why = capped ? "L-BFGS-B reached max_iterations; used its best point" : "";
        return run;
      } catch (const std::exception& e) {
        run.iterations += 1;
        if (!objective.has_best()) {
          run.status = FitStatus::NumericalIssue;
          run.why = std::string("L-BFGS-B failed (") + e.what() + ")";
          return run;
        }
        x = objective.best_point();
        const double progress = before - objective.best_value();
        // A restart that gains nothing means the point is optimal to working precision.
        if (restart > 0 && !(progress > opt.delta * std::max(1.0, std::abs(objective.best_value())))) {
          run.status = FitStatus::Success;
          run.why.clear();
          return run;
        }
        run.status = FitStatus::NotConverged;
        run.why = std::string("L-BFGS-B stopped early (") + e.what() + "); used its best point";
        if (run.iterations >= budget) return run;
        if (restart < kMaxRestarts) ++run.restarts;
      }
    }
    if (converged_enough(objective, x, lb, ub)) {
      run.status = FitStatus::Success;
      run.why.clear();
    }
    return run;
  }

  /// Whether the changepoints may stay at delta = 0: the prior's subgradient covers the data's pull.
  bool changepoints_optimal(detail::ProphetObjective& objective, const Eigen::VectorXd& x) const {
    const detail::ProphetLayout& lay = objective.layout();
    if (lay.S == 0) return true;
    Eigen::VectorXd g(x.size());
    objective(x, g);
    const double limit = (1.0 / params_.changepoint_prior_scale) * (1.0 + kKktSlack);
    for (Eigen::Index j = 0; j < lay.S; ++j) {
      const double pull = g[lay.dplus(j)] - 1.0 / params_.changepoint_prior_scale;  // data part of d f / d delta_j
      if (std::abs(pull) > limit) return false;
    }
    return true;
  }

  /// True when the point is a minimum to within a loose tolerance even though the line search gave up
  /// (at the last few digits a line search often cannot find a decrease).
  static bool converged_enough(detail::ProphetObjective& objective, const Eigen::VectorXd& x,
                               const Eigen::VectorXd& lb, const Eigen::VectorXd& ub) {
    Eigen::VectorXd g(x.size());
    objective(x, g);
    const double pg = ((x - g).cwiseMax(lb).cwiseMin(ub) - x).cwiseAbs().maxCoeff();
    return pg <= kLooseGradTol;
  }

  static constexpr double kLooseGradTol = 1e-5;
  static constexpr double kExactFitTol = 1e-12;
  static constexpr int kMaxRestarts = 5;
  /// Prophet optimizes with Newton below this many points and with L-BFGS from there on.
  static constexpr std::size_t kNewtonBelow = 100;
  static constexpr double kKktSlack = 1e-6;
  /// Floor on sigma_obs (of y_scale): keeps windows the model fits exactly (posterior unbounded) finite.
  static constexpr double kSigmaFloor = 1e-6;

  ProphetParams params_;
  PredictorBuffer buffer_;
  std::size_t steps_ = 0;  ///< points accepted so far (sets each point's timestamp)
  Forecast last_;
  ProphetFit fit_;
};

}  // namespace sla_planner
