// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// ARIMA(p,d,q) with an optional constant in state-space form, its exact Gaussian log-likelihood
// from the Kalman filter and its one-step forecast — the model statsmodels' SARIMAX builds for
// pmdarima (trend "c" or none, enforce_stationarity / enforce_invertibility, Harvey
// representation, differencing kept in the state, concentrate_scale off).
// Durbin & Koopman (2012), "Time Series Analysis by State Space Methods", 2nd ed., ch. 3 and 5:
//   state  = [d integration states; r = max(p, q+1) ARMA states]
//   y_t    = Z a_t                      Z = [1 ... 1 | 1 0 ... 0]
//   a_t+1  = T a_t + c + R e_t          T = [upper-triangular ones, 1 into the ARMA block | companion(phi)],
//                                       R = [0 ... 0 | 1 theta_1 ... theta_{r-1}], Var(e) = sigma2,
//                                       c = constant in the first ARMA state (a drift when d > 0).
// The ARMA block starts from its stationary distribution (mean from c, covariance from the
// discrete Lyapunov equation); integration states start approximately diffuse (variance 1e6) and
// the first d log-likelihood terms are dropped, as statsmodels does by default. Periods whose
// prediction-error variance is below 1e-12 are skipped (no term, no update), as statsmodels does.
// The filter repeats statsmodels' operations in their order (conventional filter on the
// reference BLAS, forced symmetry, numpy's pairwise sum), so the objective usually agrees to the
// last bit; only the Lyapunov solution is computed differently (an r x r system here, a
// Schur-based solver there). Bit agreement assumes no FMA contraction (the default for ISO C++
// builds and for x86-64 without -march); with contraction results differ at the rounding level.
// The optimiser's objective and its forward-difference gradient (k + 1 filters) run together,
// two parameter vectors per SIMD-friendly lane pair.
// Starting values are statsmodels' conditional least squares ones (Hannan–Rissanen style: a long
// AR fit gives residuals, then y is regressed on its lags and the lagged residuals).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <vector>

#include <Eigen/Core>

#include "sla_planner/predict/detail/arma_transform.hpp"

namespace sla_planner::detail {

/// Orders of one candidate model.
struct ArimaSpec {
  int p = 0, d = 0, q = 0;
  bool intercept = false;
  /// Number of estimated parameters: constant, AR, MA and the innovation variance.
  int k_params() const noexcept { return (intercept ? 1 : 0) + p + q + 1; }
  /// ARMA state dimension max(p, q + 1).
  int k_order() const noexcept { return std::max(p, q + 1); }
  bool operator==(const ArimaSpec& o) const noexcept {
    return p == o.p && d == o.d && q == o.q && intercept == o.intercept;
  }
};

/// True when every root of lambda^n - c_1 lambda^(n-1) - ... - c_n lies strictly inside the
/// circle of radius rho, i.e. when 1 - c_1 z - ... - c_n z^n has all its roots outside 1/rho.
/// Schur–Cohn test: the Durbin–Levinson step-down recursion on the rescaled coefficients
/// c_i / rho^i must give partial autocorrelations of modulus < 1.
inline bool roots_inside(const double* c, int n, double rho, std::vector<double>& work) {
  if (n <= 0) return true;
  work.assign(static_cast<std::size_t>(n), 0.0);
  double scale = 1.0;
  for (int i = 0; i < n; ++i) {
    scale /= rho;
    work[static_cast<std::size_t>(i)] = -c[i] * scale;
    if (!std::isfinite(work[static_cast<std::size_t>(i)])) return false;
  }
  for (int k = n - 1; k >= 0; --k) {
    const double rk = work[static_cast<std::size_t>(k)];
    if (!(std::abs(rk) < 1.0)) return false;
    const double den = 1.0 - rk * rk;
    for (int i = 0; i < k - i - 1; ++i) {  // update the pair (i, k-1-i) together
      const double a = work[static_cast<std::size_t>(i)], b = work[static_cast<std::size_t>(k - 1 - i)];
      work[static_cast<std::size_t>(i)] = (a - rk * b) / den;
      work[static_cast<std::size_t>(k - 1 - i)] = (b - rk * a) / den;
    }
    if (k % 2 == 1) {
      const std::size_t mid = static_cast<std::size_t>((k - 1) / 2);
      work[mid] = (work[mid] - rk * work[mid]) / den;
    }
  }
  return true;
}

/// Largest modulus of the roots of lambda^n - c_1 lambda^(n-1) - ... - c_n (the inverse roots of
/// the lag polynomial 1 - c_1 z - ... - c_n z^n), by bisection on the Schur–Cohn test; 0 for n = 0.
inline double max_inverse_root(const double* c, int n) {
  if (n <= 0) return 0.0;
  std::vector<double> work;
  double hi = 1.0;  // Cauchy bound: every root has modulus < 1 + max |c_i|
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(c[i])) return std::numeric_limits<double>::infinity();
    hi = std::max(hi, 1.0 + std::abs(c[i]));
  }
  double lo = 0.0;
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= 0.0) break;
    (roots_inside(c, n, mid, work) ? hi : lo) = mid;
  }
  return hi;
}

/// Least-squares solution of X b = y with numpy.linalg.pinv semantics: the minimum-norm solution
/// in which singular values at or below 1e-15 times the largest count as zero. The SVD is the
/// one-sided Jacobi method (Hestenes 1958), accurate to working precision on these small systems.
inline Eigen::VectorXd pinv_solve(Eigen::MatrixXd U, const Eigen::VectorXd& y) {
  const Eigen::Index m = U.rows(), n = U.cols();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  if (m == 0 || n == 0) return x;
  Eigen::MatrixXd V = Eigen::MatrixXd::Identity(n, n);
  constexpr double tol = 1e-15;
  for (int sweep = 0; sweep < 60; ++sweep) {
    bool rotated = false;
    for (Eigen::Index p = 0; p + 1 < n; ++p) {
      for (Eigen::Index q = p + 1; q < n; ++q) {
        const double alpha = U.col(p).squaredNorm(), beta = U.col(q).squaredNorm();
        const double gamma = U.col(p).dot(U.col(q));
        if (!(std::abs(gamma) > tol * std::sqrt(alpha * beta))) continue;
        rotated = true;
        const double zeta = (beta - alpha) / (2.0 * gamma);
        const double t = (zeta >= 0.0 ? 1.0 : -1.0) / (std::abs(zeta) + std::sqrt(1.0 + zeta * zeta));
        const double c = 1.0 / std::sqrt(1.0 + t * t), s = c * t;
        for (Eigen::Index i = 0; i < m; ++i) {
          const double up = U(i, p), uq = U(i, q);
          U(i, p) = c * up - s * uq;
          U(i, q) = s * up + c * uq;
        }
        for (Eigen::Index i = 0; i < n; ++i) {
          const double vp = V(i, p), vq = V(i, q);
          V(i, p) = c * vp - s * vq;
          V(i, q) = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  // Columns of U are now sigma_j u_j: b = sum_j v_j (u_j' y) / sigma_j.
  Eigen::VectorXd sigma(n);
  for (Eigen::Index j = 0; j < n; ++j) sigma[j] = U.col(j).norm();
  const double cutoff = 1e-15 * sigma.maxCoeff();
  for (Eigen::Index j = 0; j < n; ++j)
    if (sigma[j] > cutoff) x += V.col(j) * (U.col(j).dot(y) / (sigma[j] * sigma[j]));
  return x;
}

#if defined(__GNUC__) || defined(__clang__)
#define SLA_PLANNER_RESTRICT __restrict__
#else
#define SLA_PLANNER_RESTRICT
#endif

/// L doubles handled together by the filter kernel (one value per parameter vector it runs).
/// With GCC and Clang a vector-extension type, whose operators are the scalar IEEE operations
/// applied element by element (so every lane gets exactly the scalar code's result) and compile
/// to SIMD instructions; elsewhere a plain array with the same operators.
template <int L>
struct LaneVector;

#if defined(__GNUC__) || defined(__clang__)
template <>
struct LaneVector<2> {
  typedef double type __attribute__((vector_size(2 * sizeof(double))));
};
template <>
struct LaneVector<4> {
  typedef double type __attribute__((vector_size(4 * sizeof(double))));
};
#else
/// Portable stand-in for the vector-extension types: an array with element-wise operators.
template <int L>
struct LaneArray {
  double v[L];
  double& operator[](int i) { return v[i]; }
  double operator[](int i) const { return v[i]; }
#define SLA_PLANNER_LANE_OP(op)                                                                        \
  friend LaneArray operator op(const LaneArray& x, const LaneArray& y) {                                \
    LaneArray z;                                                                                      \
    for (int i = 0; i < L; ++i) z.v[i] = x.v[i] op y.v[i];                                            \
    return z;                                                                                         \
  }                                                                                                   \
  friend LaneArray operator op(double x, const LaneArray& y) {                                          \
    LaneArray z;                                                                                      \
    for (int i = 0; i < L; ++i) z.v[i] = x op y.v[i];                                                 \
    return z;                                                                                         \
  }                                                                                                   \
  friend LaneArray operator op(const LaneArray& x, double y) {                                          \
    LaneArray z;                                                                                      \
    for (int i = 0; i < L; ++i) z.v[i] = x.v[i] op y;                                                 \
    return z;                                                                                         \
  }
  SLA_PLANNER_LANE_OP(+)
  SLA_PLANNER_LANE_OP(-)
  SLA_PLANNER_LANE_OP(*)
#undef SLA_PLANNER_LANE_OP
};
template <>
struct LaneVector<2> {
  typedef LaneArray<2> type;
};
template <>
struct LaneVector<4> {
  typedef LaneArray<4> type;
};
#endif

/// One ARIMA specification bound to one series: parameter transforms, starting values,
/// log-likelihood, its forward-difference gradient and the forecast. Parameter vectors are laid
/// out as statsmodels does: [constant (if any), phi_1..phi_p, theta_1..theta_q, sigma2].
/// Not thread-safe (keeps scratch buffers); cheap to construct.
class ArimaStateSpace {
public:
  /// \param y the observed series (at least one value)
  ArimaStateSpace(const std::vector<double>& y, ArimaSpec spec) : y_(y), spec_(spec) {
    if (spec.p < 0 || spec.d < 0 || spec.q < 0) throw std::invalid_argument("ArimaStateSpace: negative order");
    r_ = spec.k_order();
    m_ = spec.d + r_;
    const std::size_t rr = static_cast<std::size_t>(r_) * static_cast<std::size_t>(r_);
    phi_.resize(static_cast<std::size_t>(r_));
    sel_.resize(static_cast<std::size_t>(r_));
    lyap_form_.resize(rr * static_cast<std::size_t>(r_ + 1));
    lyap_sys_.resize(rr);
    lyap_b_.resize(static_cast<std::size_t>(r_));
    lyap_out_.resize(rr);
    const int k = spec_.k_params();
    lane_par_.resize(static_cast<std::size_t>((k + 1) * k));
    lane_llf_.resize(static_cast<std::size_t>(k + 1));
    ublock_.resize(static_cast<std::size_t>(k));
  }

  const ArimaSpec& spec() const noexcept { return spec_; }
  std::size_t nobs() const noexcept { return y_.size(); }
  int k_params() const noexcept { return spec_.k_params(); }

  /// Unconstrained optimiser values -> model parameters (stationary AR, invertible MA, sigma2 > 0).
  void transform(const double* u, double* par) {
    int o = 0;
    if (spec_.intercept) par[o] = u[o], ++o;
    constrain_stationary(u + o, static_cast<std::size_t>(spec_.p), par + o, work_);
    o += spec_.p;
    constrain_stationary(u + o, static_cast<std::size_t>(spec_.q), par + o, work_);
    for (int i = 0; i < spec_.q; ++i) par[o + i] = -par[o + i];
    o += spec_.q;
    par[o] = u[o] * u[o];
  }

  /// Model parameters -> unconstrained values (inverse of transform).
  void untransform(const double* par, double* u) {
    int o = 0;
    if (spec_.intercept) u[o] = par[o], ++o;
    unconstrain_stationary(par + o, static_cast<std::size_t>(spec_.p), u + o, work_);
    o += spec_.p;
    std::vector<double> neg(par + o, par + o + spec_.q);
    for (double& v : neg) v = -v;
    unconstrain_stationary(neg.data(), static_cast<std::size_t>(spec_.q), u + o, work_);
    o += spec_.q;
    u[o] = std::sqrt(par[o]);
  }

  /// statsmodels' SARIMAX.start_params: conditional least squares on the differenced series,
  /// AR or MA parts that are not stationary / invertible replaced by zeros, variance >= 1e-10.
  std::vector<double> start_params() const {
    const int p = spec_.p, q = spec_.q, kt = spec_.intercept ? 1 : 0;
    std::vector<double> x = y_;
    for (int k = 0; k < spec_.d; ++k) {
      for (std::size_t t = 0; t + 1 < x.size(); ++t) x[t] = x[t + 1] - x[t];
      if (!x.empty()) x.pop_back();
    }
    const int N = static_cast<int>(x.size());
    std::vector<double> par(static_cast<std::size_t>(kt + p + q), 0.0);
    double variance = std::numeric_limits<double>::quiet_NaN();

    if (p + q + kt > 0) {
      std::vector<double> resid;
      bool too_short = false;
      const int k = 2 * q;
      const int r = std::max(k + q, p);
      if (q > 0) {
        if (k >= N) {
          too_short = true;
        } else {
          // Long autoregression of order 2q gives residuals standing in for the innovations.
          Eigen::MatrixXd X(N - k, k);
          Eigen::VectorXd Y(N - k);
          for (int t = k; t < N; ++t) {
            Y[t - k] = x[t];
            for (int j = 0; j < k; ++j) X(t - k, j) = x[t - 1 - j];
          }
          const Eigen::VectorXd b = pinv_solve(X, Y);
          const Eigen::VectorXd e = Y - X * b;
          resid.assign(e.data(), e.data() + e.size());
        }
      }
      if (!too_short && ((p > 0 && p >= N) || (q > 0 && q >= static_cast<int>(resid.size())))) too_short = true;
      if (!too_short) {
        const int rows = std::max(N - r, 0);
        Eigen::MatrixXd X(rows, kt + p + q);
        Eigen::VectorXd Y(rows);
        for (int i = 0; i < rows; ++i) {
          const int t = r + i;
          Y[i] = x[t];
          int c = 0;
          if (kt) X(i, c++) = 1.0;
          for (int j = 1; j <= p; ++j) X(i, c++) = x[t - j];
          for (int j = 1; j <= q; ++j) X(i, c++) = resid[static_cast<std::size_t>(t - k - j)];
        }
        const Eigen::VectorXd b = pinv_solve(X, Y);
        for (int i = 0; i < kt + p + q; ++i) par[i] = b[i];
        const Eigen::VectorXd e = Y - X * b;
        resid.assign(e.data(), e.data() + e.size());
      } else {
        // Too few observations: zeros, and the demeaned series (after 2q zeros) as residuals.
        double mean = 0.0;
        for (double v : x) mean += v;
        if (N > 0) mean /= static_cast<double>(N);
        resid.assign(static_cast<std::size_t>(2 * q), 0.0);
        for (double v : x) resid.push_back(v - mean);
      }
      if (resid.size() > 1) {
        double s = 0.0;
        std::size_t cnt = 0;
        for (std::size_t i = static_cast<std::size_t>(q); i < resid.size(); ++i) s += resid[i] * resid[i], ++cnt;
        variance = cnt > 0 ? s / static_cast<double>(cnt) : std::numeric_limits<double>::quiet_NaN();
      } else {
        variance = population_variance(x);
      }
    } else {
      double s = 0.0;
      for (double v : x) s += v * v;
      variance = s / static_cast<double>(y_.size());
    }

    // Non-stationary AR or non-invertible MA starting values (an inverse root of modulus
    // >= 1 - 1e-10, statsmodels' is_invertible) are replaced by zeros.
    std::vector<double> work;
    if (p > 0 && !roots_inside(par.data() + kt, p, 1.0 - 1e-10, work))
      std::fill(par.begin() + kt, par.begin() + kt + p, 0.0);
    if (q > 0) {
      std::vector<double> neg(par.begin() + kt + p, par.begin() + kt + p + q);
      for (double& v : neg) v = -v;
      if (!roots_inside(neg.data(), q, 1.0 - 1e-10, work))
        std::fill(par.begin() + kt + p, par.begin() + kt + p + q, 0.0);
    }
    if (1e-10 > variance) variance = 1e-10;  // bounded away from zero (NaN stays NaN)
    par.push_back(variance);
    return par;
  }

  /// Exact log-likelihood at `par` (statsmodels' llf); NaN when the filter breaks down
  /// (prediction-error variance below 1e-12 or not finite).
  double loglike(const double* par) {
    double llf;
    filter(par, 1, &llf, nullptr);
    return llf;
  }

  /// One-step-ahead forecast of the next observation at `par`; NaN on breakdown.
  double forecast(const double* par) {
    double llf, f = std::numeric_limits<double>::quiet_NaN();
    filter(par, 1, &llf, &f);
    return std::isnan(llf) ? std::numeric_limits<double>::quiet_NaN() : f;
  }

  /// Periods after the burn-in that the last loglike/forecast call treated as singular
  /// (prediction-error variance below 1e-12: no likelihood term, no state update). All of them
  /// singular marks a degenerate fit whose likelihood (0) and forecast mean nothing.
  int singular_periods() const noexcept { return skipped_; }

  /// The optimiser's objective -llf(transform(u)) / n and its forward-difference gradient
  /// g_i = (f(u + h e_i) - f(u)) / ((u_i + h) - u_i), as scipy's 2-point rule computes it. All
  /// k + 1 filters run together, lane by lane. Returns NaN (gradient unspecified) when the
  /// filter breaks down at u; a breakdown at a shifted point gives a NaN gradient entry.
  double objective_fd(const double* u, double h, double* grad) {
    const int k = spec_.k_params();
    const double n = static_cast<double>(y_.size());
    double* base = lane_par_.data();
    transform(u, base);
    int o = 0;
    for (int i = 0; i < k; ++i) ublock_[static_cast<std::size_t>(i)] = u[i];
    // Lane 1 + i: u with u_i shifted; only the block holding i changes.
    for (int i = 0; i < k; ++i) {
      double* par = base + static_cast<std::size_t>(i + 1) * k;
      std::copy(base, base + k, par);
      const double ui = u[i] + h;
      if (spec_.intercept && i == 0) {
        par[0] = ui;
        continue;
      }
      o = spec_.intercept ? 1 : 0;
      if (i < o + spec_.p) {
        ublock_[static_cast<std::size_t>(i)] = ui;
        constrain_stationary(ublock_.data() + o, static_cast<std::size_t>(spec_.p), par + o, work_);
        ublock_[static_cast<std::size_t>(i)] = u[i];
        continue;
      }
      o += spec_.p;
      if (i < o + spec_.q) {
        ublock_[static_cast<std::size_t>(i)] = ui;
        constrain_stationary(ublock_.data() + o, static_cast<std::size_t>(spec_.q), par + o, work_);
        for (int j = 0; j < spec_.q; ++j) par[o + j] = -par[o + j];
        ublock_[static_cast<std::size_t>(i)] = u[i];
        continue;
      }
      par[k - 1] = ui * ui;
    }
    filter(base, k + 1, lane_llf_.data(), nullptr, spec_.intercept);
    const double f0 = -lane_llf_[0] / n;
    if (std::isnan(f0)) return f0;
    for (int i = 0; i < k; ++i) {
      const double fi = -lane_llf_[static_cast<std::size_t>(i + 1)] / n;
      grad[i] = (fi - f0) / ((u[i] + h) - u[i]);
    }
    return f0;
  }

  /// -llf(transform(u)) / n alone (NaN on breakdown).
  double objective(const double* u) {
    transform(u, lane_par_.data());
    return -loglike(lane_par_.data()) / static_cast<double>(y_.size());
  }

private:
  static double population_variance(const std::vector<double>& x) {
    if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
    double mean = 0.0;
    for (double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    double s = 0.0;
    for (double v : x) s += (v - mean) * (v - mean);
    return s / static_cast<double>(x.size());
  }

  /// Solves L = C L C' + s s' for the ARMA block (C the companion matrix of phi, s = [1, theta])
  /// into lyap_out_ (r x r). Every entry is an affine function of the first row l (the
  /// recursion L[i+1][j+1] = L[i][j] - s_i s_j - phi_i phi_j l_0 - phi_i l_{j+1} - phi_j l_{i+1}),
  /// and the r equations of the last column pin l down: an r x r solve instead of r(r+1)/2
  /// unknowns. False when that system is singular.
  bool stationary_cov(const double* phi, const double* s) {
    const int r = r_;
    const int w = r + 1;  // affine form: r coefficients and a constant
    auto form = [&](int i, int j) -> double* {
      if (i > j) std::swap(i, j);
      return &lyap_form_[static_cast<std::size_t>(i * r + j) * w];
    };
    for (int j = 0; j < r; ++j) {
      double* f = form(0, j);
      std::fill(f, f + w, 0.0);
      f[j] = 1.0;
    }
    for (int i = 0; i + 1 < r; ++i) {
      for (int j = i; j + 1 < r; ++j) {
        const double* src = form(i, j);
        double* dst = form(i + 1, j + 1);
        for (int k = 0; k < w; ++k) dst[k] = src[k];
        dst[0] -= phi[i] * phi[j];
        dst[j + 1] -= phi[i];
        dst[i + 1] -= phi[j];
        dst[r] -= s[i] * s[j];
      }
    }
    // Last-column equations: L[i][r-1] - phi_i phi_{r-1} l_0 - phi_{r-1} l_{i+1} = s_i s_{r-1}.
    double* A = lyap_sys_.data();
    double* b = lyap_b_.data();
    for (int i = 0; i < r; ++i) {
      const double* f = form(i, r - 1);
      double* Ai = A + static_cast<std::size_t>(i) * r;
      for (int k = 0; k < r; ++k) Ai[k] = f[k];
      Ai[0] -= phi[i] * phi[r - 1];
      if (i + 1 < r) Ai[i + 1] -= phi[r - 1];
      b[i] = s[i] * s[r - 1] - f[r];
    }
    for (int c = 0; c < r; ++c) {  // Gaussian elimination with partial pivoting
      int piv = c;
      double best = std::abs(A[static_cast<std::size_t>(c) * r + c]);
      for (int q = c + 1; q < r; ++q) {
        const double v = std::abs(A[static_cast<std::size_t>(q) * r + c]);
        if (v > best) best = v, piv = q;
      }
      if (!(best > 0.0) || !std::isfinite(best)) return false;
      if (piv != c) {
        for (int k = 0; k < r; ++k) std::swap(A[static_cast<std::size_t>(c) * r + k], A[static_cast<std::size_t>(piv) * r + k]);
        std::swap(b[c], b[piv]);
      }
      const double* Ac = A + static_cast<std::size_t>(c) * r;
      for (int q = c + 1; q < r; ++q) {
        double* Aq = A + static_cast<std::size_t>(q) * r;
        const double f = Aq[c] / Ac[c];
        if (f == 0.0) continue;
        for (int k = c; k < r; ++k) Aq[k] -= f * Ac[k];
        b[q] -= f * b[c];
      }
    }
    for (int c = r - 1; c >= 0; --c) {
      const double* Ac = A + static_cast<std::size_t>(c) * r;
      double v = b[c];
      for (int k = c + 1; k < r; ++k) v -= Ac[k] * b[k];
      b[c] = v / Ac[c];
    }
    for (int i = 0; i < r; ++i) {
      for (int j = i; j < r; ++j) {
        const double* f = form(i, j);
        double v = f[r];
        for (int k = 0; k < r; ++k) v += f[k] * b[k];
        lyap_out_[static_cast<std::size_t>(i) * r + j] = v;
        lyap_out_[static_cast<std::size_t>(j) * r + i] = v;
      }
    }
    return true;
  }

  /// Runs the Kalman filter for B parameter vectors at once (lane l reads pars + l * k): the
  /// log-likelihood of each lane into llf (NaN on breakdown) and, for B = 1, the forecast.
  /// With `shadow`, lane 1 differs from lane 0 in the constant only: its covariance recursion is
  /// lane 0's, so only its mean is run (bit-identical to running it in full).
  void filter(const double* pars, int B, double* llf, double* next_forecast, bool shadow = false) {
    const int d = spec_.d, m = m_, r = r_, k = spec_.k_params();
    shadow = shadow && B > 1;
    const std::size_t Bs = static_cast<std::size_t>(B);
    const std::size_t mm = static_cast<std::size_t>(m) * static_cast<std::size_t>(m);
    P_.assign(mm * Bs, 0.0);
    a_.assign(static_cast<std::size_t>(m) * Bs, 0.0);
    bphi_.resize(static_cast<std::size_t>(r) * Bs);
    brqr_.resize(static_cast<std::size_t>(r) * static_cast<std::size_t>(r) * Bs);
    bc_.resize(Bs);
    bllf_.assign(Bs, 0.0);
    bdead_.assign(Bs, 0);
    skipped_ = 0;
    order_.clear();
    for (int l = 0; l < B; ++l) {
      const bool mean_only = shadow && l == 1;
      if (!load_lane(pars + static_cast<std::size_t>(l) * k, l, B, !mean_only)) bdead_[static_cast<std::size_t>(l)] = 1;
      if (!mean_only) order_.push_back(l);
    }
    shadow_ = shadow;
    // Lanes run in independent pairs; kernels with compile-time d and r for the usual orders let
    // the compiler unroll the loops and keep the state in registers.
    const int nc = static_cast<int>(order_.size());
    for (int lb = 0; lb < nc; lb += kLanes) {
      switch (d) {
        case 0: run_d<0>(lb, B); break;
        case 1: run_d<1>(lb, B); break;
        case 2: run_d<2>(lb, B); break;
        default: run<-1, -1>(lb, B); break;
      }
      if (lb == 0 && bdead_[0]) break;  // the base point broke down: the rest is moot
    }
    for (int l = 0; l < B; ++l) {
      const double v = bllf_[static_cast<std::size_t>(l)];
      llf[l] = bdead_[static_cast<std::size_t>(l)] || !std::isfinite(v) ? std::numeric_limits<double>::quiet_NaN() : v;
    }
    if (next_forecast) {
      double f = 0.0;
      for (int i = 0; i <= d; ++i) f += a_[static_cast<std::size_t>(i) * Bs];
      *next_forecast = f;
    }
  }

  /// Writes lane l's parameters, initial state and covariance; false for invalid parameters.
  bool load_lane(const double* par, int l, int B, bool covariance = true) {
    const int d = spec_.d, m = m_, r = r_;
    const std::size_t Bs = static_cast<std::size_t>(B), ls = static_cast<std::size_t>(l);
    int o = 0;
    const double c = spec_.intercept ? par[o++] : 0.0;
    std::fill(phi_.begin(), phi_.end(), 0.0);
    for (int i = 0; i < spec_.p; ++i) phi_[static_cast<std::size_t>(i)] = par[o++];
    std::fill(sel_.begin(), sel_.end(), 0.0);
    sel_[0] = 1.0;
    for (int i = 0; i < spec_.q; ++i) sel_[static_cast<std::size_t>(i + 1)] = par[o++];
    const double sigma2 = par[o];
    if (!(sigma2 > 0.0) || !std::isfinite(sigma2) || !std::isfinite(c)) return false;
    bc_[ls] = c;
    for (int i = 0; i < r; ++i) {
      bphi_[static_cast<std::size_t>(i) * Bs + ls] = phi_[static_cast<std::size_t>(i)];
      for (int j = 0; j < r; ++j)
        brqr_[static_cast<std::size_t>(i * r + j) * Bs + ls] = sigma2 * sel_[static_cast<std::size_t>(i)] * sel_[static_cast<std::size_t>(j)];
    }
    // Initial state: approximately diffuse integration states, stationary ARMA block.
    for (int i = 0; i < d; ++i) P_[static_cast<std::size_t>(i * m + i) * Bs + ls] = 1e6;
    if (c != 0.0) {
      double sphi = 0.0;
      for (int i = 0; i < r; ++i) sphi += phi_[static_cast<std::size_t>(i)];
      const double mu = c / (1.0 - sphi);
      a_[static_cast<std::size_t>(d) * Bs + ls] = mu;
      double tail = 0.0;
      for (int i = r - 1; i >= 1; --i) {
        tail += phi_[static_cast<std::size_t>(i)];
        a_[static_cast<std::size_t>(d + i) * Bs + ls] = mu * tail;
      }
    }
    if (!covariance) return true;
    // Lanes that shift only the constant or the variance share the base lane's AR/MA part, and
    // L depends on nothing else: reuse the last solution when the coefficients are unchanged.
    if (!(lyap_valid_ && phi_ == lyap_phi_ && sel_ == lyap_sel_)) {
      lyap_valid_ = stationary_cov(phi_.data(), sel_.data());
      if (!lyap_valid_) return false;
      lyap_phi_ = phi_;
      lyap_sel_ = sel_;
    }
    for (int i = 0; i < r; ++i)
      for (int j = 0; j < r; ++j)
        P_[static_cast<std::size_t>((d + i) * m + (d + j)) * Bs + ls] = sigma2 * lyap_out_[static_cast<std::size_t>(i) * r + j];
    return true;
  }

  static constexpr int kLanes = 2;
  using Lanes = LaneVector<kLanes>;

  template <int D>
  void run_d(int lb, int B) {
    switch (r_) {
      case 1: run<D, 1>(lb, B); break;
      case 2: run<D, 2>(lb, B); break;
      case 3: run<D, 3>(lb, B); break;
      case 4: run<D, 4>(lb, B); break;
      case 5: run<D, 5>(lb, B); break;
      case 6: run<D, 6>(lb, B); break;
      default: run<D, -1>(lb, B); break;
    }
  }

  /// Mean recursion of a lane that shares lane 0's covariance recursion.
  struct Shadow {
    std::vector<double> a;
    double c = 0.0, llf = 0.0;
    bool dead = false;
  };

  /// Sum of x[0..n) in numpy's pairwise order (np.sum of a short float64 array: eight running
  /// partial sums, combined as a tree, then the remainder), as statsmodels sums the per-period
  /// log-likelihood terms.
  static double numpy_sum(const double* x, std::size_t n, std::size_t stride) {
    if (n < 8) {
      double s = 0.0;
      for (std::size_t i = 0; i < n; ++i) s += x[i * stride];
      return s;
    }
    if (n > 128) {
      std::size_t n2 = n / 2;
      n2 -= n2 % 8;
      return numpy_sum(x, n2, stride) + numpy_sum(x + n2 * stride, n - n2, stride);
    }
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = x[static_cast<std::size_t>(j) * stride];
    std::size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (std::size_t j = 0; j < 8; ++j) r[j] += x[(i + j) * stride];
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += x[i * stride];
    return s;
  }

  /// Runs lanes [lb, lb + kLanes) of the B loaded ones (missing lanes repeat lane lb): the filter
  /// recursions with every matrix entry held as one Lanes value (its value in each lane). D and R
  /// are the integration and ARMA state counts when known at compile time (-1: from the model);
  /// then the state lives in local arrays the compiler can keep in registers.
  ///
  /// The arithmetic follows statsmodels' conventional filter step by step (with the loop orders
  /// of the reference BLAS it calls), so that the log-likelihood agrees to the last bits wherever
  /// the initial covariance does: F^-1 once, a|t = a + (P Z') (F^-1 v),
  /// P|t = P - (F^-1 P Z') (Z P) term by term, a+ = c + T a|t, P+ = R Q R' + (T P|t) T', forced
  /// symmetry, and llf_t = -(log 2pi + log F)/2 - v (F^-1 v)/2.
  template <int D, int R>
  void run(int lb, int B) {
    constexpr int L = kLanes;
    using V = typename Lanes::type;
    static const double log2pi = std::log(2.0 * 3.141592653589793);
    constexpr bool fixed = D >= 0 && R > 0;
    constexpr int MS = fixed ? D + R : 1, RS = fixed ? R : 1;
    const int d = D >= 0 ? D : spec_.d;
    const int r = R > 0 ? R : r_;
    const int m = d + r;
    const int mm = m * m;
    const int ns = std::min(spec_.q + 1, r);  // nonzero entries of the selection vector
    const std::size_t n = y_.size();
    V Pf[MS * MS], Pnf[MS * MS], Wf[MS * MS], af[MS], pzf[MS], kzf[MS], phif[RS], rqrf[RS * RS];
    std::vector<V> dyn;
    if (!fixed) dyn.resize(static_cast<std::size_t>(3 * mm + 3 * m + r * (r + 1)));
    V* SLA_PLANNER_RESTRICT P = fixed ? Pf : dyn.data();
    V* SLA_PLANNER_RESTRICT Pn = fixed ? Pnf : P + mm;
    V* SLA_PLANNER_RESTRICT W = fixed ? Wf : Pn + mm;
    V* SLA_PLANNER_RESTRICT a = fixed ? af : W + mm;
    V* SLA_PLANNER_RESTRICT pz = fixed ? pzf : a + m;
    V* SLA_PLANNER_RESTRICT kz = fixed ? kzf : pz + m;
    V* SLA_PLANNER_RESTRICT phi = fixed ? phif : kz + m;
    V* SLA_PLANNER_RESTRICT rqr = fixed ? rqrf : phi + r;
    V c;
    double llf[L] = {};
    bool dead[L];
    int skipped[L] = {};
    // Gather the lanes; slots past the end repeat the first one.
    const std::size_t Bs = static_cast<std::size_t>(B);
    const int nc = static_cast<int>(order_.size());
    int lane[L];
    for (int l = 0; l < L; ++l) lane[l] = order_[static_cast<std::size_t>(lb + l < nc ? lb + l : lb)];
    for (int l = 0; l < L; ++l) {
      const std::size_t src = static_cast<std::size_t>(lane[l]);
      for (int i = 0; i < mm; ++i) P[i][l] = P_[static_cast<std::size_t>(i) * Bs + src];
      for (int i = 0; i < m; ++i) a[i][l] = a_[static_cast<std::size_t>(i) * Bs + src];
      for (int i = 0; i < r; ++i) phi[i][l] = bphi_[static_cast<std::size_t>(i) * Bs + src];
      for (int i = 0; i < r * r; ++i) rqr[i][l] = brqr_[static_cast<std::size_t>(i) * Bs + src];
      c[l] = bc_[src];
      dead[l] = bdead_[src] != 0;
    }
    // The mean-only shadow of lane 0 (see filter()).
    Shadow sh;
    const bool with_shadow = shadow_ && lb == 0;
    double* sa = nullptr;
    if (with_shadow) {
      sh.a.resize(static_cast<std::size_t>(m));
      for (int i = 0; i < m; ++i) sh.a[static_cast<std::size_t>(i)] = a_[static_cast<std::size_t>(i) * Bs + 1];
      sh.c = bc_[1];
      sh.dead = bdead_[1] != 0;
      sa = sh.a.data();
      shadow_terms_.resize(n);
    }
    // Per period and lane: F (0 for a singular period) and v F^-1 v; the log-likelihood terms
    // are formed after the recursion (no calls inside it).
    terms_.resize(n * L);
    fvals_.resize(n * L);
    double* SLA_PLANNER_RESTRICT terms = terms_.data();
    double* SLA_PLANNER_RESTRICT fvals = fvals_.data();
    bool all_dead = false;
    for (std::size_t t = 0; t < n && !all_dead; ++t) {
      // Forecast: v = y - Z a, P Z' and F = Z P Z' (Z = [1..1 | 1 0..0]).
      for (int i = 0; i < m; ++i) {
        V s = P[i * m];
        for (int j = 1; j <= d; ++j) s = s + P[i * m + j];
        pz[i] = s;
      }
      V f = pz[0], yhat = a[0];
      for (int i = 1; i <= d; ++i) f = f + pz[i], yhat = yhat + a[i];
      const double yt = y_[t];
      const V v = yt - yhat;
      V kv, Finv;
      for (int l = 0; l < L; ++l) {
        double fl = f[l];
        if (std::isnan(fl) || fl > std::numeric_limits<double>::max()) dead[l] = true, fl = 1.0;
        if (fl < 1e-12) {
          // statsmodels treats a prediction-error variance below 1e-12 as singular: the period
          // adds nothing to the likelihood and does not update the state.
          if (t >= static_cast<std::size_t>(d)) skipped[l] += 1;
          kv[l] = 0.0;
          Finv[l] = 0.0;
          fvals[t * L + l] = 0.0;
          terms[t * L + l] = 0.0;
          if (l == 0 && sa) shadow_terms_[t] = 0.0;  // lane 0 singular: so is the shadow
          continue;
        }
        const double inv = 1.0 / fl;
        const double vl = v[l];
        const double kvl = inv * vl;
        kv[l] = kvl;
        Finv[l] = inv;
        fvals[t * L + l] = fl;
        terms[t * L + l] = vl * kvl;
        if (l == 0 && sa) {  // the shadow lane: same F, its own mean
          double ys = sa[0];
          for (int i = 1; i <= d; ++i) ys += sa[i];
          const double vs = yt - ys;
          const double kvs = inv * vs;
          shadow_terms_[t] = vs * kvs;
          for (int i = 0; i < m; ++i) sa[i] = sa[i] + kvs * pz[i][0];
        }
      }
      if (sa) {  // predict the shadow's state: c + T a
        const double ad = sa[d];
        for (int i = 0; i < d; ++i) {
          double s2 = sa[i];
          for (int k2 = i + 1; k2 <= d; ++k2) s2 += sa[k2];
          sa[i] = s2;
        }
        for (int i = 0; i + 1 < r; ++i) sa[d + i] = (i == 0 ? sh.c + ad * phi[0][0] : ad * phi[i][0]) + sa[d + i + 1];
        sa[m - 1] = r == 1 ? sh.c + ad * phi[0][0] : ad * phi[r - 1][0];
      }
      all_dead = true;
      for (int l = 0; l < L; ++l) all_dead = all_dead && dead[l];
      if (all_dead) break;
      // Update and predict the state: a|t = a + (P Z') (F^-1 v), a = c + T a|t.
      for (int i = 0; i < m; ++i) a[i] = a[i] + kv * pz[i];
      {
        const V ad = a[d];
        for (int i = 0; i < d; ++i) {  // integration rows: a_i + ... + a_d, ascending
          V s = a[i];
          for (int k = i + 1; k <= d; ++k) s = s + a[k];
          a[i] = s;
        }
        for (int i = 0; i + 1 < r; ++i) a[d + i] = (i == 0 ? c + ad * phi[0] : ad * phi[i]) + a[d + i + 1];
        a[m - 1] = r == 1 ? c + ad * phi[0] : ad * phi[r - 1];
      }
      // P|t(i,j) = P(i,j) - sum_{k<=d} P(k,j) (F^-1 P Z')_i, k ascending, into Pn.
      for (int i = 0; i < m; ++i) kz[i] = Finv * pz[i];
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < m; ++j) {
          V x = P[i * m + j];
          for (int k = 0; k <= d; ++k) x = x - P[k * m + j] * kz[i];
          Pn[i * m + j] = x;
        }
      // W = T P|t.
      for (int j = 0; j < m; ++j) {
        const V Pdj = Pn[d * m + j];
        for (int i = 0; i < d; ++i) {
          V s = Pn[i * m + j];
          for (int k = i + 1; k <= d; ++k) s = s + Pn[k * m + j];
          W[i * m + j] = s;
        }
        for (int i = 0; i + 1 < r; ++i) W[(d + i) * m + j] = Pdj * phi[i] + Pn[(d + i + 1) * m + j];
        W[(m - 1) * m + j] = Pdj * phi[r - 1];
      }
      // P = R Q R' + W T'.
      for (int i = 0; i < m; ++i) {
        const V Wid = W[i * m + d];
        for (int j = 0; j < d; ++j) {
          V s = W[i * m + j];
          for (int k = j + 1; k <= d; ++k) s = s + W[i * m + k];
          P[i * m + j] = s;
        }
        // R Q R' is nonzero on the first ns ARMA rows and columns only.
        const int jq = (i >= d && i - d < ns) ? ns : 0;
        const V* Ri = rqr + (i >= d ? (i - d) * r : 0);
        for (int j = 0; j < r; ++j) {
          V x = j < jq ? Ri[j] + Wid * phi[j] : Wid * phi[j];
          if (j + 1 < r) x = x + W[i * m + d + j + 1];
          P[i * m + d + j] = x;
        }
      }
      // statsmodels' default numerical stability step: force P to be symmetric.
      for (int i = 0; i < m; ++i)
        for (int j = i + 1; j < m; ++j) {
          const V s = 0.5 * (P[i * m + j] + P[j * m + i]);
          P[i * m + j] = s;
          P[j * m + i] = s;
        }
    }
    if (!all_dead) {
      // llf_t = -(log 2pi + log F_t)/2 - v F^-1 v/2 (0 for a singular period); when a lane's F
      // repeats exactly, so does its log.
      const std::size_t t0 = static_cast<std::size_t>(d);
      for (int l = 0; l < L; ++l) {
        double flast = -1.0, hlast = 0.0;
        for (std::size_t t = t0; t < n; ++t) {
          const double fl = fvals[t * L + l];
          if (fl == 0.0) continue;  // singular: the term is 0 already
          if (fl != flast) flast = fl, hlast = -0.5 * (log2pi + std::log(fl));
          terms[t * L + l] = hlast - 0.5 * terms[t * L + l];
          if (l == 0 && sa) shadow_terms_[t] = hlast - 0.5 * shadow_terms_[t];
        }
      }
      for (int l = 0; l < L; ++l)
        llf[l] = numpy_sum(terms + static_cast<std::size_t>(d) * L + l, n > static_cast<std::size_t>(d) ? n - d : 0, L);
      if (sa) sh.llf = numpy_sum(shadow_terms_.data() + d, n > static_cast<std::size_t>(d) ? n - d : 0, 1);
    }
    // Scatter the results.
    for (int l = 0; l < L && lb + l < nc; ++l) {
      const std::size_t dst = static_cast<std::size_t>(lane[l]);
      bllf_[dst] = llf[l];
      bdead_[dst] = dead[l] ? 1 : 0;
      if (dst == 0) skipped_ = skipped[l];
      for (int i = 0; i < m; ++i) a_[static_cast<std::size_t>(i) * Bs + dst] = a[i][l];
    }
    if (with_shadow) {
      bllf_[1] = sh.llf;
      bdead_[1] = sh.dead || bdead_[0] ? 1 : 0;
    }
  }
  std::vector<double> y_;
  ArimaSpec spec_;
  int r_ = 1, m_ = 1;
  int skipped_ = 0;
  std::vector<double> phi_, sel_, lyap_form_, lyap_sys_, lyap_b_, lyap_out_, work_;
  std::vector<double> P_, a_, bphi_, brqr_, bc_, bllf_, terms_, fvals_, shadow_terms_;
  std::vector<int> order_;
  bool shadow_ = false;
  std::vector<double> lyap_phi_, lyap_sel_;  // coefficients of the cached lyap_out_
  bool lyap_valid_ = false;
  std::vector<char> bdead_;
  std::vector<double> lane_par_, lane_llf_, ublock_;
};

#undef SLA_PLANNER_RESTRICT

}  // namespace sla_planner::detail
