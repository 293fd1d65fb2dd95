// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Unconstrained limited-memory BFGS with a forward-difference gradient, following the iteration
// that scipy.optimize.fmin_l_bfgs_b (L-BFGS-B 3.0: Byrd, Lu, Nocedal & Zhu 1995; Morales &
// Nocedal 2011) performs when no bound is active and the gradient is approximated
// (approx_grad=True), as statsmodels' MLEModel.fit(method="lbfgs") calls it:
//  - direction -H g from the two-loop recursion with H0 = (s'y / y'y) I (LBFGSpp's BFGSMat);
//  - Moré–Thuente line search (Moré & Thuente 1994, "Line search algorithms with guaranteed
//    sufficient decrease", ACM TOMS 20) with ftol = 1e-3, gtol = 0.9, xtol = 0.1, first step
//    1/||d|| then 1, at most `max_linesearch` evaluations, memory reset when it fails;
//  - a correction is skipped when y's <= eps * (-g's);
//  - stop when the iteration limit is reached, when max|g_i| <= pgtol, or when the relative
//    reduction of f is <= factr * eps.
// The gradient is (f(x + h e_i) - f(x)) / h with h = `fd_step` (scipy's 2-point rule).
// LBFGSpp's own LBFGSSolver is not used as a whole because its stopping rules (2-norm gradient
// test), missing update skipping and line searches would walk a different path from scipy's,
// and capped fits (statsmodels' maxiter = 50) end wherever that path is at the cap.
// One addition: a trial point with a non-finite f backs off towards the best step so far.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <Eigen/Core>
#include <LBFGSpp/BFGSMat.h>

namespace sla_planner::detail {

/// Settings of minimize_lbfgs_fd (scipy.optimize.fmin_l_bfgs_b defaults, maxiter as statsmodels).
struct LbfgsOptions {
  int memory = 10;            ///< number of corrections kept (m)
  double factr = 1e7;         ///< stop when (f_old - f) / max(|f_old|, |f|, 1) <= factr * eps
  double pgtol = 1e-5;        ///< stop when max |g_i| <= pgtol
  int max_iterations = 50;    ///< iteration limit
  int max_linesearch = 20;    ///< function evaluations per line search
  double fd_step = 1e-5;      ///< forward-difference step of the gradient
};

/// Why minimize_lbfgs_fd stopped.
enum class LbfgsStop {
  Gradient,           ///< projected gradient small enough
  RelativeReduction,  ///< f stopped decreasing
  MaxIterations,      ///< iteration limit reached (scipy's warnflag 1)
  LineSearchFailed,   ///< no acceptable step even from the steepest-descent direction (warnflag 2)
  NonFinite,          ///< f was not finite at the starting point
};

/// Outcome of minimize_lbfgs_fd; x holds the final iterate.
struct LbfgsResult {
  double f = std::numeric_limits<double>::quiet_NaN();
  int iterations = 0;
  int evaluations = 0;
  LbfgsStop stop = LbfgsStop::NonFinite;
  bool converged() const noexcept { return stop == LbfgsStop::Gradient || stop == LbfgsStop::RelativeReduction; }
};

namespace lbfgs_impl {

/// One safeguarded step of the Moré–Thuente interval update ("dcstep"): from the best step stx,
/// the other end sty and the trial stp (values f, derivatives g) choose the next trial step and
/// update the interval.
inline void step_update(double& stx, double& fx, double& gx, double& sty, double& fy, double& gy, double& stp,
                        double fp, double gp, bool& bracketed, double stpmin, double stpmax) {
  const double sgnd = gp * (gx / std::abs(gx));
  double stpf;
  if (fp > fx) {
    // Higher function value: the minimum is bracketed; cubic or mix with the quadratic step.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + gx + gp;
    const double s = std::max({std::abs(theta), std::abs(gx), std::abs(gp)});
    double gamma = s * std::sqrt((theta / s) * (theta / s) - (gx / s) * (gp / s));
    if (stp < stx) gamma = -gamma;
    const double p = (gamma - gx) + theta;
    const double q = ((gamma - gx) + gamma) + gp;
    const double stpc = stx + (p / q) * (stp - stx);
    const double stpq = stx + ((gx / ((fx - fp) / (stp - stx) + gx)) / 2.0) * (stp - stx);
    stpf = std::abs(stpc - stx) < std::abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
    bracketed = true;
  } else if (sgnd < 0.0) {
    // Derivatives of opposite sign: bracketed; cubic or secant step, whichever is farther.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + gx + gp;
    const double s = std::max({std::abs(theta), std::abs(gx), std::abs(gp)});
    double gamma = s * std::sqrt((theta / s) * (theta / s) - (gx / s) * (gp / s));
    if (stp > stx) gamma = -gamma;
    const double p = (gamma - gp) + theta;
    const double q = ((gamma - gp) + gamma) + gx;
    const double stpc = stp + (p / q) * (stx - stp);
    const double stpq = stp + (gp / (gp - gx)) * (stx - stp);
    stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
    bracketed = true;
  } else if (std::abs(gp) < std::abs(gx)) {
    // Same sign, derivative decreasing in magnitude: cubic step if it goes the right way.
    const double theta = 3.0 * (fx - fp) / (stp - stx) + gx + gp;
    const double s = std::max({std::abs(theta), std::abs(gx), std::abs(gp)});
    double gamma = s * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (gx / s) * (gp / s)));
    if (stp > stx) gamma = -gamma;
    const double p = (gamma - gp) + theta;
    const double q = (gamma + (gx - gp)) + gamma;
    const double r = p / q;
    double stpc;
    if (r < 0.0 && gamma != 0.0)
      stpc = stp + r * (stx - stp);
    else if (stp > stx)
      stpc = stpmax;
    else
      stpc = stpmin;
    const double stpq = stp + (gp / (gp - gx)) * (stx - stp);
    if (bracketed) {
      stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
      stpf = stp > stx ? std::min(stp + 0.66 * (sty - stp), stpf) : std::max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
      stpf = std::max(stpmin, std::min(stpmax, stpf));
    }
  } else {
    // Same sign, derivative not decreasing: cubic step towards sty, or extrapolate to a limit.
    if (bracketed) {
      const double theta = 3.0 * (fp - fy) / (sty - stp) + gy + gp;
      const double s = std::max({std::abs(theta), std::abs(gy), std::abs(gp)});
      double gamma = s * std::sqrt((theta / s) * (theta / s) - (gy / s) * (gp / s));
      if (stp > sty) gamma = -gamma;
      const double p = (gamma - gp) + theta;
      const double q = ((gamma - gp) + gamma) + gy;
      stpf = stp + (p / q) * (sty - stp);
    } else {
      stpf = stp > stx ? stpmax : stpmin;
    }
  }
  if (fp > fx) {
    sty = stp;
    fy = fp;
    gy = gp;
  } else {
    if (sgnd < 0.0) {
      sty = stx;
      fy = fx;
      gy = gx;
    }
    stx = stp;
    fx = fp;
    gx = gp;
  }
  stp = stpf;
}

/// Moré–Thuente line search state ("dcsrch"): feed it (f, g'd) at the current trial step.
class MoreThuente {
public:
  enum class Task { Evaluate, Converged, Warning };

  MoreThuente(double f0, double g0, double stp, double stpmax) : finit_(f0), ginit_(g0), stpmax_(stpmax) {
    gtest_ = kFtol * ginit_;
    width_ = stpmax_ - kStpmin;
    width1_ = width_ / 0.5;
    stx_ = 0.0, fx_ = finit_, gx_ = ginit_;
    sty_ = 0.0, fy_ = finit_, gy_ = ginit_;
    stmin_ = 0.0;
    stmax_ = stp + kXtrapu * stp;
  }

  /// Takes f and the directional derivative g at `stp`; returns what to do next and updates stp.
  Task next(double& stp, double f, double g) {
    const double ftest = finit_ + stp * gtest_;
    if (stage_ == 1 && f <= ftest && g >= 0.0) stage_ = 2;
    bool warn = false;
    if (bracketed_ && (stp <= stmin_ || stp >= stmax_)) warn = true;          // rounding errors
    if (bracketed_ && stmax_ - stmin_ <= kXtol * stmax_) warn = true;          // interval too small
    if (stp == stpmax_ && f <= ftest && g <= gtest_) warn = true;              // at the largest step
    if (stp == kStpmin && (f > ftest || g >= gtest_)) warn = true;             // at the smallest step
    if (f <= ftest && std::abs(g) <= kGtol * (-ginit_)) return Task::Converged;  // strong Wolfe
    if (warn) return Task::Warning;

    if (stage_ == 1 && f <= fx_ && f > ftest) {
      // Modified function psi(s) = f(s) - f(0) - s * ftol * g(0) while in the first stage.
      double fxm = fx_ - stx_ * gtest_, fym = fy_ - sty_ * gtest_;
      double gxm = gx_ - gtest_, gym = gy_ - gtest_;
      step_update(stx_, fxm, gxm, sty_, fym, gym, stp, f - stp * gtest_, g - gtest_, bracketed_, stmin_, stmax_);
      fx_ = fxm + stx_ * gtest_;
      fy_ = fym + sty_ * gtest_;
      gx_ = gxm + gtest_;
      gy_ = gym + gtest_;
    } else {
      step_update(stx_, fx_, gx_, sty_, fy_, gy_, stp, f, g, bracketed_, stmin_, stmax_);
    }
    if (bracketed_) {
      if (std::abs(sty_ - stx_) >= 0.66 * width1_) stp = stx_ + 0.5 * (sty_ - stx_);
      width1_ = width_;
      width_ = std::abs(sty_ - stx_);
      stmin_ = std::min(stx_, sty_);
      stmax_ = std::max(stx_, sty_);
    } else {
      stmin_ = stp + kXtrapl * (stp - stx_);
      stmax_ = stp + kXtrapu * (stp - stx_);
    }
    stp = std::min(std::max(stp, kStpmin), stpmax_);
    if ((bracketed_ && (stp <= stmin_ || stp >= stmax_)) || (bracketed_ && stmax_ - stmin_ <= kXtol * stmax_)) stp = stx_;
    return Task::Evaluate;
  }

  /// Best step so far (used to back off from a non-finite trial).
  double best_step() const noexcept { return stx_; }

private:
  static constexpr double kFtol = 1e-3, kGtol = 0.9, kXtol = 0.1, kStpmin = 0.0;
  static constexpr double kXtrapl = 1.1, kXtrapu = 4.0;
  double finit_, ginit_, gtest_, stpmax_;
  double width_, width1_;
  double stx_, fx_, gx_, sty_, fy_, gy_, stmin_, stmax_;
  bool bracketed_ = false;
  int stage_ = 1;
};

}  // namespace lbfgs_impl

/// Does nothing; the default iteration callback.
struct NoIterationCallback {
  void operator()(int, const Eigen::VectorXd&, double) const noexcept {}
};

/// Minimises f over R^n from x (updated in place to the final iterate), given f and its
/// gradient together.
/// \param fg callable double(const Eigen::VectorXd& x, Eigen::VectorXd& g) returning f(x) and
///        filling g; a non-finite value (or gradient entry) marks an infeasible point
/// \param on_iteration called as (iteration, x, f) after each completed iteration
template <class FunGrad, class Callback = NoIterationCallback>
LbfgsResult minimize_lbfgs(FunGrad&& fg, Eigen::VectorXd& x, const LbfgsOptions& opt = {},
                           Callback&& on_iteration = Callback{}) {
  using Vec = Eigen::VectorXd;
  const Eigen::Index n = x.size();
  constexpr double eps = std::numeric_limits<double>::epsilon();
  LbfgsResult res;

  // f and its gradient at z; false when any value is not finite.
  auto eval = [&](const Vec& z, double& fz, Vec& gz) -> bool {
    fz = fg(z, gz);
    ++res.evaluations;
    return std::isfinite(fz) && gz.allFinite();
  };

  double fx;
  Vec g(n);
  if (!eval(x, fx, g)) {
    res.f = fx;
    res.stop = LbfgsStop::NonFinite;
    return res;
  }
  res.f = fx;
  if (n == 0 || g.lpNorm<Eigen::Infinity>() <= opt.pgtol) {
    res.stop = LbfgsStop::Gradient;
    return res;
  }

  LBFGSpp::BFGSMat<double> bfgs;
  bfgs.reset(static_cast<int>(n), opt.memory);
  Vec d(n), x0(n), g0(n), gn(n), xn(n);
  int iter = 0;  // completed iterations
  for (;;) {
    bfgs.apply_Hv(g, -1.0, d);
    const double gd0 = g.dot(d);
    bool ok = gd0 < 0.0;
    double stp = 0.0, fn = fx;
    if (ok) {
      const double dnorm = d.norm();
      stp = iter == 0 ? std::min(1.0 / dnorm, 1e10) : 1.0;
      lbfgs_impl::MoreThuente ls(fx, gd0, stp, 1e10);
      ok = false;
      for (int k = 0; k < opt.max_linesearch; ++k) {
        xn = x + stp * d;
        if (!eval(xn, fn, gn)) {
          // Not in the original algorithm: back off towards the best step of this search.
          stp = ls.best_step() + 0.1 * (stp - ls.best_step());
          continue;
        }
        const auto task = ls.next(stp, fn, gn.dot(d));
        if (task != lbfgs_impl::MoreThuente::Task::Evaluate) {
          ok = true;
          break;
        }
      }
    }
    if (!ok) {
      if (bfgs.num_corrections() == 0) {
        res.stop = LbfgsStop::LineSearchFailed;
        break;
      }
      bfgs.reset(static_cast<int>(n), opt.memory);  // restart from steepest descent
      continue;
    }
    // New iterate: the step at which the search stopped (xn, fn, gn hold its values).
    x0 = x;
    g0 = g;
    const double fold = fx;
    x = xn;
    fx = fn;
    g = gn;
    ++iter;
    res.iterations = iter;
    res.f = fx;
    on_iteration(iter, x, fx);
    if (iter >= opt.max_iterations) {
      res.stop = LbfgsStop::MaxIterations;
      break;
    }
    if (g.lpNorm<Eigen::Infinity>() <= opt.pgtol) {
      res.stop = LbfgsStop::Gradient;
      break;
    }
    if (fold - fx <= opt.factr * eps * std::max({std::abs(fold), std::abs(fx), 1.0})) {
      res.stop = LbfgsStop::RelativeReduction;
      break;
    }
    const double dr = (g.dot(d) - g0.dot(d)) * stp;
    const double ddum = -g0.dot(d) * stp;
    if (dr > eps * ddum) bfgs.add_correction(stp * d, g - g0);
  }
  return res;
}

/// minimize_lbfgs with the gradient by forward differences, as scipy's 2-point rule:
/// g_i = (f(x + h e_i) - f(x)) / ((x_i + h) - x_i), h = opt.fd_step.
/// \param f callable double(const Eigen::VectorXd&)
template <class Fun, class Callback = NoIterationCallback>
LbfgsResult minimize_lbfgs_fd(Fun&& f, Eigen::VectorXd& x, const LbfgsOptions& opt = {},
                              Callback&& on_iteration = Callback{}) {
  Eigen::VectorXd xt(x.size());
  auto fg = [&](const Eigen::VectorXd& z, Eigen::VectorXd& g) {
    const double fz = f(z);
    if (!std::isfinite(fz)) return fz;
    xt = z;
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      xt[i] = z[i] + opt.fd_step;
      g[i] = (f(xt) - fz) / (xt[i] - z[i]);
      xt[i] = z[i];
    }
    return fz;
  };
  return minimize_lbfgs(fg, x, opt, std::forward<Callback>(on_iteration));
}

}  // namespace sla_planner::detail
