// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Prophet's additive model with a piecewise-linear trend (Taylor & Letham, "Forecasting at scale",
// The American Statistician 72(1), 2018), set up as Prophet 1.0 does (`set_changepoints`,
// `set_auto_seasonalities`, `fourier_series`, `linear_growth_init`) and with the negative log
// posterior of its Stan model (`prophet.stan`, linear growth), written out with an analytic gradient.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "sla_planner/predict/prophet_params.hpp"

namespace sla_planner::detail {

/// Seconds since the Unix epoch of 2024-01-01 00:00:00, the planner's first timestamp.
inline constexpr double kProphetEpochStart = 1704067200.0;
inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kTwoPi = 6.283185307179586476925286766559;

/// Indexes (0-based) of the potential changepoints among `n` points, by Prophet's rule: the first
/// floor(n * range) points hold them, their number drops to that count - 1 when it is smaller than
/// n_changepoints + 1, and they sit at round(linspace(1, hist_size, count + 1))[-1] (1-based, ties
/// to even as R's `round`; with 25 changepoints no ties arise and Python's 0-based rule agrees).
inline std::vector<int> prophet_changepoint_indexes(std::size_t n, int n_changepoints, double range) {
  const long hist_size = static_cast<long>(std::floor(static_cast<double>(n) * range));
  long count = n_changepoints;
  if (count + 1 > hist_size) count = hist_size - 1;
  std::vector<int> idx;
  if (count <= 0) return idx;
  const double by = static_cast<double>(hist_size - 1) / static_cast<double>(count);
  for (long i = 1; i <= count; ++i) {
    const double one_based = (i == count) ? static_cast<double>(hist_size) : 1.0 + static_cast<double>(i) * by;
    idx.push_back(static_cast<int>(std::nearbyint(one_based)) - 1);
  }
  return idx;
}

/// One Fourier seasonality in the fitted model.
struct ActiveSeasonality {
  std::string name;
  double period_seconds;
  int fourier_order;
  double prior_scale;
};

/// The seasonalities Prophet would fit to `n` points `params.step_seconds` apart: the user ones plus
/// the built-in yearly (auto-disabled under 730 days), weekly (14 days) and daily (2 days).
inline std::vector<ActiveSeasonality> prophet_active_seasonalities(const ProphetParams& params, std::size_t n) {
  const double spacing = params.step_seconds;
  const double span = n > 1 ? static_cast<double>(n - 1) * spacing : 0.0;
  struct BuiltIn {
    const char* name;
    SeasonalitySwitch sw;
    double period_days;
    double disable_below_days;
    int order;
    bool needs_finer_spacing;
  };
  const BuiltIn builtins[] = {
      {"yearly", params.yearly_seasonality, 365.25, 730.0, 10, false},
      {"weekly", params.weekly_seasonality, 7.0, 14.0, 3, true},
      {"daily", params.daily_seasonality, 1.0, 2.0, 4, true},
  };
  std::vector<ActiveSeasonality> out;
  for (const Seasonality& s : params.seasonalities) {
    bool replaced = false;
    for (const BuiltIn& b : builtins)
      if (s.name == b.name && b.sw == SeasonalitySwitch::On) replaced = true;
    if (!replaced) out.push_back({s.name, s.period_seconds, s.fourier_order, s.prior_scale});
  }
  for (const BuiltIn& b : builtins) {
    bool on = b.sw == SeasonalitySwitch::On;
    if (b.sw == SeasonalitySwitch::Auto) {
      const bool user_named = std::any_of(params.seasonalities.begin(), params.seasonalities.end(),
                                          [&](const Seasonality& s) { return s.name == b.name; });
      // Prophet disables below `disable_below_days` (two periods; 730 days for yearly).
      on = !user_named && span >= b.disable_below_days * kSecondsPerDay &&
           !(b.needs_finer_spacing && spacing >= b.period_days * kSecondsPerDay);
    }
    if (on) out.push_back({b.name, b.period_days * kSecondsPerDay, b.order, params.seasonality_prior_scale});
  }
  return out;
}

/// Writes the Fourier features of time `epoch_seconds` (sin, cos of each harmonic, per seasonality)
/// into `row`, as Prophet's `fourier_series` (which works in days since the epoch: same angles).
template <typename Row>
void prophet_fourier_row(double epoch_seconds, const std::vector<ActiveSeasonality>& seas, Row&& row) {
  Eigen::Index col = 0;
  for (const ActiveSeasonality& s : seas) {
    // Reduce to one period first so the angle keeps full precision at large epoch times.
    const double phase = std::fmod(epoch_seconds, s.period_seconds) / s.period_seconds;
    for (int h = 1; h <= s.fourier_order; ++h) {
      const double a = kTwoPi * h * phase;
      row(col++) = std::sin(a);
      row(col++) = std::cos(a);
    }
  }
}

/// Data of one fit on Prophet's scales: t in [0, 1] over the history, y divided by y_scale.
struct ProphetData {
  Eigen::VectorXd t;            ///< scaled times, t[0] = 0, t[T-1] = 1
  Eigen::VectorXd y;            ///< y / y_scale
  std::vector<int> cp_index;    ///< first point at or after each changepoint (sorted)
  Eigen::VectorXd cp_t;         ///< scaled changepoint times
  Eigen::MatrixXd X;            ///< seasonal features, T x K
  Eigen::VectorXd beta_scale;   ///< prior scale per feature column
  double tau = 0.05;            ///< changepoint_prior_scale

  Eigen::Index T() const { return t.size(); }
  Eigen::Index S() const { return cp_t.size(); }
  Eigen::Index K() const { return X.cols(); }
};

/// Layout of the optimizer's vector: [k, m, log sigma_obs, beta (K), delta+ (S), delta- (S)].
/// sigma_obs enters through its log, as on Stan's unconstrained scale. The Laplace prior's |delta|
/// is made smooth by splitting delta = delta+ - delta-, both >= 0 (bounds handled by L-BFGS-B); at
/// the optimum one of each pair is 0, so the optimum is the MAP of the Stan model.
struct ProphetLayout {
  Eigen::Index K, S;
  Eigen::Index size() const { return 3 + K + 2 * S; }
  static constexpr Eigen::Index k = 0, m = 1, log_sigma = 2;
  Eigen::Index beta(Eigen::Index j) const { return 3 + j; }
  Eigen::Index dplus(Eigen::Index j) const { return 3 + K + j; }
  Eigen::Index dminus(Eigen::Index j) const { return 3 + K + S + j; }
};

/// Negative log posterior of prophet.stan (linear trend, additive seasonality), constants dropped,
/// no Jacobian term (as Stan's optimizer), with d = delta, s = sigma_obs = exp(u):
///   (k^2 + m^2)/50 + sum|d|/tau + sum beta_j^2/(2 sigma_j^2) + 2 s^2 + T u + SSE/(2 s^2).
/// Also keeps the best point it has evaluated, so an aborted line search loses nothing.
class ProphetObjective {
public:
  explicit ProphetObjective(const ProphetData& data)
      : d_(data), lay_{data.K(), data.S()}, trend_(data.T()), resid_(data.T()), w_(data.T()) {}

  const ProphetLayout& layout() const { return lay_; }

  /// Trend at the fitted points for parameters `x` (scaled units).
  void trend(const Eigen::VectorXd& x, Eigen::VectorXd& out) const {
    const Eigen::Index T = d_.T(), S = d_.S();
    double slope = x[lay_.k], offset = x[lay_.m];
    Eigen::Index j = 0;
    for (Eigen::Index i = 0; i < T; ++i) {
      while (j < S && d_.cp_index[static_cast<std::size_t>(j)] <= i) {
        const double delta = x[lay_.dplus(j)] - x[lay_.dminus(j)];
        slope += delta;
        offset -= delta * d_.cp_t[j];
        ++j;
      }
      out[i] = slope * d_.t[i] + offset;
    }
  }

  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    const Eigen::Index T = d_.T(), S = d_.S(), K = d_.K();
    const double k = x[lay_.k], m = x[lay_.m], u = x[lay_.log_sigma];
    residuals(x);
    const double sse = resid_.squaredNorm();
    const double var = std::exp(2.0 * u), inv_var = std::exp(-2.0 * u);

    double f = (k * k + m * m) / 50.0 + 2.0 * var + static_cast<double>(T) * u + 0.5 * sse * inv_var;
    double l1 = 0.0;
    for (Eigen::Index j = 0; j < S; ++j) l1 += x[lay_.dplus(j)] + x[lay_.dminus(j)];
    f += l1 / d_.tau;
    for (Eigen::Index j = 0; j < K; ++j) {
      const double b = x[lay_.beta(j)] / d_.beta_scale[j];
      f += 0.5 * b * b;
    }

    // d f / d prediction_i = -resid_i / s^2
    w_ = -resid_ * inv_var;
    grad.resize(x.size());
    grad[lay_.k] = k / 25.0 + w_.dot(d_.t);
    grad[lay_.m] = m / 25.0 + w_.sum();
    grad[lay_.log_sigma] = static_cast<double>(T) - sse * inv_var + 4.0 * var;
    if (K > 0) {
      grad.segment(lay_.beta(0), K).noalias() = d_.X.transpose() * w_;
      for (Eigen::Index j = 0; j < K; ++j)
        grad[lay_.beta(j)] += x[lay_.beta(j)] / (d_.beta_scale[j] * d_.beta_scale[j]);
    }
    // d f / d delta_j = sum_{i >= cp_j} w_i (t_i - c_j), from suffix sums taken from the end.
    double sw = 0.0, swt = 0.0;
    Eigen::Index i = T;
    for (Eigen::Index j = S - 1; j >= 0; --j) {
      const Eigen::Index start = d_.cp_index[static_cast<std::size_t>(j)];
      while (i > start) {
        --i;
        sw += w_[i];
        swt += w_[i] * d_.t[i];
      }
      const double g = swt - d_.cp_t[j] * sw;
      grad[lay_.dplus(j)] = g + 1.0 / d_.tau;
      grad[lay_.dminus(j)] = -g + 1.0 / d_.tau;
    }

    ++evaluations_;
    if (std::isfinite(f) && (!has_best_ || f < best_f_)) {
      has_best_ = true;
      best_f_ = f;
      best_x_ = x;
    }
    return f;
  }

  bool has_best() const { return has_best_; }
  double best_value() const { return best_f_; }
  const Eigen::VectorXd& best_point() const { return best_x_; }
  long evaluations() const { return evaluations_; }

private:
  void residuals(const Eigen::VectorXd& x) {
    trend(x, trend_);
    resid_ = d_.y - trend_;
    if (d_.K() > 0) resid_.noalias() -= d_.X * x.segment(lay_.beta(0), d_.K());
  }

  const ProphetData& d_;
  ProphetLayout lay_;
  Eigen::VectorXd trend_, resid_, w_;
  Eigen::VectorXd best_x_;
  double best_f_ = 0.0;
  bool has_best_ = false;
  long evaluations_ = 0;
};

}  // namespace sla_planner::detail
