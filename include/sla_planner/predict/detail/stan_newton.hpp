// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Stan's Newton optimizer as rstan 2.21 runs it for `optimizing(algorithm = "Newton")` — the method
// Prophet 1.0 uses for histories under 100 points (stan::services::optimize::newton,
// stan::optimization::newton_step, stan::model::grad_hess_log_prob). Restated from its documented
// behaviour so that forecasts follow the reference exactly, including its particulars:
//  - the Hessian is a 4-point finite difference of the gradient (steps 1e-3, 2e-3), symmetrised and
//    scaled by epsilon/2 where 1/epsilon is meant, i.e. 1e-6 times the Hessian;
//  - negative-definiteness is forced by taking |eigenvalue|; the step starts at 1 and halves until
//    the log density does not decrease (at most down to 1e-50);
//  - iterations stop when the log density changes by at most 1e-8.
// The model supplies that matrix in closed form (cheaper than 4n gradients; equal up to rounding),
// and a negative definite one is solved by Cholesky instead of an eigendecomposition (same step).
// With the Hessian 1e-6 times too small, the halving search supplies the step length; at a
// Laplace prior's kink (|delta| at 0) the finite-difference curvature is huge, so slope changes
// rarely leave 0 — Prophet's fits below 100 points mostly keep every changepoint at delta = 0.
#pragma once

#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

namespace sla_planner::detail {

struct StanNewtonResult {
  int iterations = 0;
  bool converged = false;  ///< stopped on the 1e-8 change rule (not the iteration limit)
  double log_density = 0.0;
};

/// stan::model::grad_hess_log_prob's matrix by its own finite differences of `lp`'s gradient (the
/// reference for a model's closed-form `stan_hessian`).
template <typename LogDensity>
void stan_fd_hessian(LogDensity& lp, const Eigen::VectorXd& x, Eigen::MatrixXd& H) {
  constexpr double eps = 1e-3;
  constexpr double pert[4] = {-2 * eps, -eps, eps, 2 * eps};
  constexpr double coef[4] = {1.0 / 12.0, -2.0 / 3.0, 2.0 / 3.0, -1.0 / 12.0};
  const Eigen::Index n = x.size();
  Eigen::VectorXd xp = x, gp(n);
  H.setZero(n, n);
  for (Eigen::Index d = 0; d < n; ++d) {
    for (int i = 0; i < 4; ++i) {
      xp[d] = x[d] + pert[i];
      lp(xp, &gp);
      const double c = 0.5 * eps * coef[i];
      H.row(d) += c * gp.transpose();
      H.col(d) += c * gp;
    }
    xp[d] = x[d];
  }
}

/// One newton_step: updates x when a non-decreasing step is found; returns the log density there
/// (or at the unchanged x). `model(x, grad*)` returns the log density (and its gradient when asked);
/// `model.stan_hessian(x, H)` the matrix grad_hess_log_prob would produce; `model.prepare_line(x, d)`
/// and `model.line_value(s)` a cheap value at x - s d, used only to skip clearly failing steps.
template <typename Model>
double stan_newton_step(Model& model, Eigen::VectorXd& x, Eigen::VectorXd& g, Eigen::MatrixXd& H,
                        Eigen::VectorXd& xp) {
  const Eigen::Index n = x.size();
  const double f0 = model(x, &g);
  model.stan_hessian(x, H);
  // Direction -V |L|^-1 V' g. When H is negative definite that is H^-1 g, found by Cholesky of -H.
  Eigen::VectorXd dir;
  Eigen::LLT<Eigen::MatrixXd> llt(-H);
  if (llt.info() == Eigen::Success) {
    dir = -llt.solve(g);
  } else {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(H);
    Eigen::VectorXd proj = solver.eigenvectors().transpose() * g;
    for (Eigen::Index i = 0; i < n; ++i) proj[i] = -proj[i] / std::abs(solver.eigenvalues()[i]);
    dir = solver.eigenvectors() * proj;
  }
  double step = 2.0, f1 = -1e100;
  model.prepare_line(x, dir);
  const double clear_margin = 1e-6 * (1.0 + std::abs(f0));
  while (f1 < f0) {
    step *= 0.5;
    if (step < 1e-50) return f0;
    // A step whose expanded value is far below f0 fails Stan's test too; skip its full evaluation.
    const double guess = model.line_value(step);
    if (std::isfinite(guess) && guess < f0 - clear_margin) continue;
    xp = x - step * dir;
    f1 = model(xp, nullptr);
    if (!std::isfinite(f1)) f1 = -1e100;  // Stan rejects the proposal (its checks throw)
  }
  x = xp;
  return f1;
}

/// Stan's Newton loop from x (updated in place), at most `max_iterations` steps.
template <typename Model>
StanNewtonResult stan_newton(Model& model, Eigen::VectorXd& x, int max_iterations) {
  StanNewtonResult r;
  Eigen::VectorXd g, xp;
  Eigen::MatrixXd H;
  double value = model(x, nullptr);
  for (int it = 0; it < max_iterations; ++it) {
    const double last = value;
    value = stan_newton_step(model, x, g, H, xp);
    ++r.iterations;
    // Stan's first comparison is against the density with its constants, which never matches.
    if (it > 0 && std::abs(value - last) <= 1e-8) {
      r.converged = true;
      break;
    }
  }
  r.log_density = value;
  return r;
}

}  // namespace sla_planner::detail
