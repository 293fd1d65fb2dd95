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

/// The same posterior as Stan evaluates it for its Newton optimizer: unconstrained vector
/// z = [k, m, log sigma_obs, beta (K), delta (S)], log density (constants dropped, no Jacobian) and its
/// exact gradient, where |delta| has derivative sign(delta) with sign(0) = 0 (Stan's
/// double_exponential_lpdf). Also the matrix Stan's finite-difference Hessian produces, computed in
/// closed form (see stan_hessian).
class ProphetStanDensity {
public:
  explicit ProphetStanDensity(const ProphetData& data)
      : d_(data), K_(data.K()), S_(data.S()), trend_(data.T()), resid_(data.T()), w_(data.T()) {
    // Design of the terms linear in theta = [k, m, beta, delta]: t, 1, X, (t - c_j) after c_j.
    const Eigen::Index T = d_.T();
    D_.setZero(T, 2 + K_ + S_);
    D_.col(0) = d_.t;
    D_.col(1).setOnes();
    if (K_ > 0) D_.middleCols(2, K_) = d_.X;
    for (Eigen::Index j = 0; j < S_; ++j)
      for (Eigen::Index i = d_.cp_index[static_cast<std::size_t>(j)]; i < T; ++i) D_(i, 2 + K_ + j) = d_.t[i] - d_.cp_t[j];
    gram_ = D_.transpose() * D_;
  }

  Eigen::Index size() const { return 3 + K_ + S_; }
  Eigen::Index beta(Eigen::Index j) const { return 3 + j; }
  Eigen::Index delta(Eigen::Index j) const { return 3 + K_ + j; }

  /// Log density at z; the gradient too when `grad` is not null.
  double operator()(const Eigen::VectorXd& z, Eigen::VectorXd* grad) {
    const Eigen::Index T = d_.T();
    const double k = z[0], m = z[1], u = z[2];
    residuals(z);
    const double sse = resid_.squaredNorm();
    const double var = std::exp(2.0 * u), inv_var = std::exp(-2.0 * u);
    double f = (k * k + m * m) / 50.0 + 2.0 * var + static_cast<double>(T) * u + 0.5 * sse * inv_var;
    for (Eigen::Index q = 0; q < S_; ++q) f += std::abs(z[delta(q)]) / d_.tau;
    for (Eigen::Index q = 0; q < K_; ++q) {
      const double b = z[beta(q)] / d_.beta_scale[q];
      f += 0.5 * b * b;
    }
    if (grad) {
      Eigen::VectorXd& g = *grad;  // gradient of f here, negated at the end
      g.resize(size());
      w_ = -resid_ * inv_var;
      g[0] = k / 25.0 + w_.dot(d_.t);
      g[1] = m / 25.0 + w_.sum();
      g[2] = static_cast<double>(T) - sse * inv_var + 4.0 * var;
      if (K_ > 0) {
        g.segment(beta(0), K_).noalias() = d_.X.transpose() * w_;
        for (Eigen::Index q = 0; q < K_; ++q) g[beta(q)] += z[beta(q)] / (d_.beta_scale[q] * d_.beta_scale[q]);
      }
      double sw = 0.0, swt = 0.0;
      Eigen::Index i = T;
      for (Eigen::Index q = S_ - 1; q >= 0; --q) {
        const Eigen::Index start = d_.cp_index[static_cast<std::size_t>(q)];
        while (i > start) {
          --i;
          sw += w_[i];
          swt += w_[i] * d_.t[i];
        }
        g[delta(q)] = swt - d_.cp_t[q] * sw + sign(z[delta(q)]) / d_.tau;
      }
      g = -g;
    }
    ++evaluations_;
    return -f;
  }

  /// What stan::model::grad_hess_log_prob returns at z: its 4-point finite difference of the
  /// gradient (steps e = 1e-3, 2e-3), symmetrised and scaled by e/2, equals e^2 times the Hessian of
  /// the log density for the smooth terms (up to rounding); the Laplace terms add, on the diagonal,
  /// -(e / tau) * sum_i c_i sign(delta_j + p_i) — nonzero only within 2e-3 of the kink.
  void stan_hessian(const Eigen::VectorXd& z, Eigen::MatrixXd& H) {
    constexpr double e = 1e-3;
    constexpr double pert[4] = {-2 * e, -e, e, 2 * e};
    constexpr double coef[4] = {1.0 / 12.0, -2.0 / 3.0, 2.0 / 3.0, -1.0 / 12.0};
    const Eigen::Index n = size(), P = 2 + K_ + S_;
    const double u = z[2];
    const double inv_var = std::exp(-2.0 * u), var = std::exp(2.0 * u);
    residuals(z);
    // Map theta = [k, m, beta, delta] (gram_ order) to z positions.
    auto pos = [&](Eigen::Index a) { return a < 2 ? a : a + 1; };
    H.resize(n, n);
    for (Eigen::Index a = 0; a < P; ++a)
      for (Eigen::Index b = 0; b < P; ++b) H(pos(a), pos(b)) = -inv_var * gram_(a, b);
    H(0, 0) -= 1.0 / 25.0;
    H(1, 1) -= 1.0 / 25.0;
    for (Eigen::Index q = 0; q < K_; ++q) H(beta(q), beta(q)) -= 1.0 / (d_.beta_scale[q] * d_.beta_scale[q]);
    const Eigen::VectorXd cross = -2.0 * inv_var * (D_.transpose() * resid_);
    for (Eigen::Index a = 0; a < P; ++a) H(2, pos(a)) = H(pos(a), 2) = cross[a];
    H(2, 2) = -(8.0 * var + 2.0 * resid_.squaredNorm() * inv_var);
    H *= e * e;
    for (Eigen::Index q = 0; q < S_; ++q) {
      double s = 0.0;
      for (int i = 0; i < 4; ++i) s += coef[i] * sign(z[delta(q)] + pert[i]);
      H(delta(q), delta(q)) -= (e / d_.tau) * s;
    }
  }

  /// Prepares line_value() for points z - s * dir (residuals are linear in s along the line).
  void prepare_line(const Eigen::VectorXd& z, const Eigen::VectorXd& dir) {
    residuals(z);
    line_z_ = z;
    line_dir_ = dir;
    Eigen::VectorXd dtheta(2 + K_ + S_);
    dtheta[0] = dir[0];
    dtheta[1] = dir[1];
    dtheta.tail(K_ + S_) = dir.tail(K_ + S_);
    line_a_.noalias() = D_ * dtheta;
    line_sse0_ = resid_.squaredNorm();
    line_ra_ = resid_.dot(line_a_);
    line_aa_ = line_a_.squaredNorm();
  }

  /// The log density at z - s * dir from the expansion set up by prepare_line: O(K + S) per call
  /// and equal to operator() up to rounding. Used only to skip steps that clearly do not improve.
  double line_value(double s) const {
    const Eigen::VectorXd& z = line_z_;
    const Eigen::VectorXd& dir = line_dir_;
    const double k = z[0] - s * dir[0], m = z[1] - s * dir[1], u = z[2] - s * dir[2];
    const double sse = line_sse0_ + 2.0 * s * line_ra_ + s * s * line_aa_;
    double f = (k * k + m * m) / 50.0 + 2.0 * std::exp(2.0 * u) + static_cast<double>(d_.T()) * u +
               0.5 * sse * std::exp(-2.0 * u);
    for (Eigen::Index q = 0; q < S_; ++q) f += std::abs(z[delta(q)] - s * dir[delta(q)]) / d_.tau;
    for (Eigen::Index q = 0; q < K_; ++q) {
      const double b = (z[beta(q)] - s * dir[beta(q)]) / d_.beta_scale[q];
      f += 0.5 * b * b;
    }
    return -f;
  }

  long evaluations() const { return evaluations_; }

private:
  static double sign(double v) { return static_cast<double>((0.0 < v) - (v < 0.0)); }

  void residuals(const Eigen::VectorXd& z) {
    const Eigen::Index T = d_.T();
    double slope = z[0], offset = z[1];
    Eigen::Index j = 0;
    for (Eigen::Index i = 0; i < T; ++i) {
      while (j < S_ && d_.cp_index[static_cast<std::size_t>(j)] <= i) {
        slope += z[delta(j)];
        offset -= z[delta(j)] * d_.cp_t[j];
        ++j;
      }
      trend_[i] = slope * d_.t[i] + offset;
    }
    resid_ = d_.y - trend_;
    if (K_ > 0) resid_.noalias() -= d_.X * z.segment(beta(0), K_);
  }

  const ProphetData& d_;
  Eigen::Index K_, S_;
  Eigen::MatrixXd D_, gram_;
  Eigen::VectorXd trend_, resid_, w_;
  Eigen::VectorXd line_z_, line_dir_, line_a_;
  double line_sse0_ = 0.0, line_ra_ = 0.0, line_aa_ = 0.0;
  long evaluations_ = 0;
};

}  // namespace sla_planner::detail
