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
// the first d log-likelihood terms are dropped, as statsmodels does by default.
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

/// One ARIMA specification bound to one series: parameter transforms, starting values,
/// log-likelihood and forecast. Parameter vectors are laid out as statsmodels does:
/// [constant (if any), phi_1..phi_p, theta_1..theta_q, sigma2].
/// Not thread-safe (keeps scratch buffers); cheap to construct.
class ArimaStateSpace {
public:
  /// \param y the observed series (at least one value)
  ArimaStateSpace(const std::vector<double>& y, ArimaSpec spec) : y_(y), spec_(spec) {
    if (spec.p < 0 || spec.d < 0 || spec.q < 0) throw std::invalid_argument("ArimaStateSpace: negative order");
    r_ = spec.k_order();
    m_ = spec.d + r_;
    const std::size_t mm = static_cast<std::size_t>(m_) * static_cast<std::size_t>(m_);
    const std::size_t rr = static_cast<std::size_t>(r_) * static_cast<std::size_t>(r_);
    P_.resize(mm);
    W_.resize(mm);
    a_.resize(static_cast<std::size_t>(m_));
    pz_.resize(static_cast<std::size_t>(m_));
    phi_.resize(static_cast<std::size_t>(r_));
    sel_.resize(static_cast<std::size_t>(m_));
    rqr_.resize(rr);
    lyap_A_.resize(rr * static_cast<std::size_t>(r_ + 1));
    lyap_sys_.resize(rr);
    lyap_b_.resize(static_cast<std::size_t>(r_));
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
  /// (non-positive or non-finite prediction-error variance).
  double loglike(const double* par) { return filter(par, nullptr); }

  /// One-step-ahead forecast of the next observation at `par`; NaN on breakdown.
  double forecast(const double* par) {
    double f = std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(filter(par, &f))) return std::numeric_limits<double>::quiet_NaN();
    return f;
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
  /// and writes sigma2 * L into that block of P_. Every entry is an affine function of the first
  /// row l (the recursion L[i+1][j+1] = L[i][j] - s_i s_j - phi_i phi_j l_0 - phi_i l_{j+1}
  /// - phi_j l_{i+1}), and the r equations of the last column pin l down: an r x r solve instead
  /// of r(r+1)/2 unknowns. False when that system is singular.
  bool stationary_cov(double sigma2) {
    const int r = r_, d = spec_.d, m = m_;
    const int w = r + 1;  // affine form: r coefficients and a constant
    auto form = [&](int i, int j) -> double* {
      if (i > j) std::swap(i, j);
      return &lyap_A_[static_cast<std::size_t>(i * r + j) * w];
    };
    const double* s = sel_.data() + d;
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
        dst[0] -= phi_[i] * phi_[j];
        dst[j + 1] -= phi_[i];
        dst[i + 1] -= phi_[j];
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
      Ai[0] -= phi_[i] * phi_[r - 1];
      if (i + 1 < r) Ai[i + 1] -= phi_[r - 1];
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
        v *= sigma2;
        P_[static_cast<std::size_t>(d + i) * m + (d + j)] = v;
        P_[static_cast<std::size_t>(d + j) * m + (d + i)] = v;
      }
    }
    return true;
  }

  /// Runs the Kalman filter; returns the log-likelihood and optionally the next forecast.
  double filter(const double* par, double* next_forecast) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const int d = spec_.d, m = m_, r = r_;
    int o = 0;
    const double c = spec_.intercept ? par[o++] : 0.0;
    std::fill(phi_.begin(), phi_.end(), 0.0);
    for (int i = 0; i < spec_.p; ++i) phi_[i] = par[o++];
    std::fill(sel_.begin(), sel_.end(), 0.0);
    sel_[d] = 1.0;
    for (int i = 0; i < spec_.q; ++i) sel_[d + 1 + i] = par[o++];
    const double sigma2 = par[o];
    if (!(sigma2 > 0.0) || !std::isfinite(sigma2) || !std::isfinite(c)) return nan;
    for (int i = 0; i < r; ++i)
      for (int j = 0; j < r; ++j) rqr_[static_cast<std::size_t>(i) * r + j] = sigma2 * sel_[d + i] * sel_[d + j];

    // Initial state: diffuse-ish integration states, stationary ARMA block.
    std::fill(a_.begin(), a_.end(), 0.0);
    std::fill(P_.begin(), P_.end(), 0.0);
    for (int i = 0; i < d; ++i) P_[static_cast<std::size_t>(i) * m + i] = 1e6;
    if (c != 0.0) {
      double sphi = 0.0;
      for (int i = 0; i < r; ++i) sphi += phi_[i];
      const double mu = c / (1.0 - sphi);
      a_[d] = mu;
      double tail = 0.0;
      for (int i = r - 1; i >= 1; --i) {
        tail += phi_[i];
        a_[d + i] = mu * tail;
      }
    }
    if (!stationary_cov(sigma2)) return nan;
    // Kernels with compile-time d and r for the usual orders let the compiler unroll the loops.
    switch (d) {
      case 0: return run_d<0>(c, next_forecast);
      case 1: return run_d<1>(c, next_forecast);
      case 2: return run_d<2>(c, next_forecast);
      default: return run<-1, -1>(c, next_forecast);
    }
  }

  template <int D>
  double run_d(double c, double* next_forecast) {
    switch (r_) {
      case 1: return run<D, 1>(c, next_forecast);
      case 2: return run<D, 2>(c, next_forecast);
      case 3: return run<D, 3>(c, next_forecast);
      case 4: return run<D, 4>(c, next_forecast);
      case 5: return run<D, 5>(c, next_forecast);
      case 6: return run<D, 6>(c, next_forecast);
      default: return run<D, -1>(c, next_forecast);
    }
  }

  /// The filter recursions; D and R are the integration and ARMA state counts when known at
  /// compile time (-1: take them from the model).
  template <int D, int R>
  double run(double c, double* next_forecast) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    constexpr double log2pi = 1.8378770664093454835606594728112;
    const int d = D >= 0 ? D : spec_.d;
    const int r = R > 0 ? R : r_;
    const int m = d + r;
    const int ns = std::min(spec_.q + 1, r);  // nonzero entries of the selection vector
    // With compile-time sizes the state lives in local arrays (no aliasing, registers).
    constexpr bool fixed = D >= 0 && R > 0;
    constexpr int MS = fixed ? D + R : 1;
    double Pl[MS * MS], Wl[MS * MS], al[MS], pzl[MS], phil[fixed ? R : 1], rqrl[fixed ? R * R : 1];
    double* P = fixed ? Pl : P_.data();
    double* W = fixed ? Wl : W_.data();
    double* a = fixed ? al : a_.data();
    double* pz = fixed ? pzl : pz_.data();
    const double* phi = fixed ? phil : phi_.data();
    const double* rqr = fixed ? rqrl : rqr_.data();
    if (fixed) {
      std::copy(P_.begin(), P_.end(), Pl);
      std::copy(a_.begin(), a_.end(), al);
      std::copy(phi_.begin(), phi_.end(), phil);
      std::copy(rqr_.begin(), rqr_.end(), rqrl);
    }
    double llf = 0.0;
    const std::size_t n = y_.size();
    for (std::size_t t = 0; t < n; ++t) {
      // Prediction error v = y - Z a and its variance F = Z P Z' (Z = [1..1 | 1 0..0]).
      for (int i = 0; i < m; ++i) {
        const double* Pi = P + i * m;
        double sum = Pi[0];
        for (int j = 1; j <= d; ++j) sum += Pi[j];
        pz[i] = sum;
      }
      double F = pz[0], yhat = a[0];
      for (int i = 1; i <= d; ++i) F += pz[i], yhat += a[i];
      // A (numerically) singular prediction-error variance means the initial covariance is not
      // positive definite (parameters at the edge of stationarity): the likelihood is undefined.
      // (statsmodels instead drops such observations, which can make a broken fit look perfect.)
      if (!(F >= 1e-12) || !std::isfinite(F)) return nan;
      const double v = y_[t] - yhat;
      if (t >= static_cast<std::size_t>(d)) llf += -0.5 * (log2pi + std::log(F) + v * v / F);
      // Update: a += P Z' v / F, P -= P Z' Z P / F.
      const double k = v / F;
      for (int i = 0; i < m; ++i) a[i] += pz[i] * k;
      for (int i = 0; i < m; ++i) {
        const double f = pz[i] / F;
        double* Pi = P + i * m;
        for (int j = 0; j < m; ++j) Pi[j] -= f * pz[j];
      }
      // Predict: a = T a + c e_d, P = T P T' + sigma2 R R'. Rows of T: suffix sums over the
      // integration states; phi_i * (state d) + (state d+i+1) in the ARMA block.
      {
        const double ad = a[d];
        double acc = ad;
        for (int i = d - 1; i >= 0; --i) acc = a[i] += acc;  // a_i + a_{i+1} + ... + a_d
        for (int i = 0; i + 1 < r; ++i) a[d + i] = phi[i] * ad + a[d + i + 1];
        a[m - 1] = phi[r - 1] * ad;
        a[d] += c;
      }
      {  // W = T P
        const double* Pd = P + d * m;
        for (int i = 0; i + 1 < r; ++i) {
          double* Wi = W + (d + i) * m;
          const double* Pn = P + (d + i + 1) * m;
          const double ph = phi[i];
          for (int j = 0; j < m; ++j) Wi[j] = ph * Pd[j] + Pn[j];
        }
        double* Wl = W + (m - 1) * m;
        const double phl = phi[r - 1];
        for (int j = 0; j < m; ++j) Wl[j] = phl * Pd[j];
        for (int i = d - 1; i >= 0; --i) {
          double* Wi = W + i * m;
          const double* Pi = P + i * m;
          const double* Nx = i == d - 1 ? Pd : W + (i + 1) * m;
          for (int j = 0; j < m; ++j) Wi[j] = Pi[j] + Nx[j];
        }
      }
      for (int i = 0; i < m; ++i) {  // P = W T'
        const double* Wi = W + i * m;
        double* Pi = P + i * m;
        const double wd = Wi[d];
        for (int j = 0; j + 1 < r; ++j) Pi[d + j] = phi[j] * wd + Wi[d + j + 1];
        Pi[m - 1] = phi[r - 1] * wd;
        double acc = wd;
        for (int j = d - 1; j >= 0; --j) acc = Pi[j] = Wi[j] + acc;
      }
      for (int i = 0; i < ns; ++i) {  // + sigma2 R R' (R nonzero in its first q+1 ARMA entries)
        double* Pi = P + (d + i) * m + d;
        const double* Ri = rqr + i * r;
        for (int j = 0; j < ns; ++j) Pi[j] += Ri[j];
      }
    }
    if (!std::isfinite(llf)) return nan;
    if (next_forecast) {
      double f = 0.0;
      for (int i = 0; i <= d; ++i) f += a[i];
      *next_forecast = f;
    }
    return llf;
  }

  std::vector<double> y_;
  ArimaSpec spec_;
  int r_ = 1, m_ = 1;
  std::vector<double> P_, W_, a_, pz_, phi_, sel_, rqr_, lyap_A_, lyap_sys_, lyap_b_, work_;
};

}  // namespace sla_planner::detail
