// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Automatic non-seasonal ARIMA order selection: KPSS differencing, then the stepwise search of
// Hyndman & Khandakar (2008), "Automatic time series forecasting: the forecast package for R",
// J. Statistical Software 27(3), in the form pmdarima 2.0.4's auto_arima runs it (start model,
// (0,d,0), (1,d,0), (0,d,1), (0,d,0) without constant, then neighbours in pmdarima's order, the
// constant toggled last; AIC with models whose inverse AR/MA roots come within 0.01 of the unit
// circle rejected). Each candidate is fitted by exact maximum likelihood as statsmodels' SARIMAX
// does it (see arima_state_space.hpp and lbfgs_fd.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "sla_planner/predict/detail/arima_state_space.hpp"
#include "sla_planner/predict/detail/kpss.hpp"
#include "sla_planner/predict/detail/lbfgs_fd.hpp"

namespace sla_planner::detail {

/// One fitted candidate.
struct ArimaFit {
  ArimaSpec spec;
  bool ok = false;                 ///< the fit produced a finite log-likelihood
  std::vector<double> params;      ///< [constant], phi, theta, sigma2
  double llf = std::numeric_limits<double>::quiet_NaN();
  double aic = std::numeric_limits<double>::infinity();
  double ic = std::numeric_limits<double>::infinity();  ///< AIC, or +inf when rejected by the root test
  double max_inverse_root = 0.0;   ///< the modulus the root test looked at
  double forecast = std::numeric_limits<double>::quiet_NaN();
  int singular_periods = 0;        ///< periods the filter skipped as singular (see ArimaStateSpace)
  int periods = 0;                 ///< periods after the burn-in (n - d)
  LbfgsResult optimizer;
  /// Every period singular: the likelihood is identically 0 and the model explains nothing.
  bool degenerate() const noexcept { return ok && periods > 0 && singular_periods >= periods; }
};

/// Fits one ARIMA by maximum likelihood (statsmodels SARIMAX.fit(method="lbfgs") semantics:
/// start from the conditional least-squares values, minimise -llf/n over the unconstrained
/// parameters) and applies pmdarima's root test.
inline ArimaFit fit_arima(const std::vector<double>& y, const ArimaSpec& spec, const LbfgsOptions& lbfgs) {
  ArimaFit fit;
  fit.spec = spec;
  ArimaStateSpace model(y, spec);
  const int k = model.k_params();
  const std::vector<double> start = model.start_params();
  Eigen::VectorXd u(k);
  model.untransform(start.data(), u.data());
  if (!u.allFinite()) return fit;

  std::vector<double> par(static_cast<std::size_t>(k));
  auto objective = [&](const Eigen::VectorXd& z, Eigen::VectorXd& g) {
    return model.objective_fd(z.data(), lbfgs.fd_step, g.data());
  };
  fit.optimizer = minimize_lbfgs(objective, u, lbfgs);
  if (fit.optimizer.stop == LbfgsStop::NonFinite) return fit;

  model.transform(u.data(), par.data());
  fit.params = par;
  fit.llf = model.loglike(par.data());
  if (!std::isfinite(fit.llf)) return fit;
  fit.singular_periods = model.singular_periods();
  fit.periods = static_cast<int>(y.size()) - spec.d;
  fit.forecast = model.forecast(par.data());
  fit.ok = true;
  fit.aic = -2.0 * fit.llf + 2.0 * k;

  // pmdarima's root test: the largest inverse AR root, replaced by the largest inverse MA root
  // when the model has MA terms (pmdarima overwrites rather than takes the maximum of both).
  const int o = spec.intercept ? 1 : 0;
  double inv_root = 0.0;
  if (spec.p > 0) inv_root = max_inverse_root(par.data() + o, spec.p);
  if (spec.q > 0 && std::isfinite(fit.aic)) {
    std::vector<double> neg(par.begin() + o + spec.p, par.begin() + o + spec.p + spec.q);
    for (double& v : neg) v = -v;
    inv_root = max_inverse_root(neg.data(), spec.q);
  }
  fit.max_inverse_root = inv_root;
  fit.ic = inv_root > 1.0 - 1e-2 ? std::numeric_limits<double>::infinity() : fit.aic;
  return fit;
}

/// Settings of auto_arima (pmdarima 2.0.4 defaults).
struct AutoArimaOptions {
  int max_p = 5, max_q = 5, max_d = 2;
  int start_p = 2, start_q = 2;
  double alpha = 0.05;      ///< KPSS level
  int max_fits = 100;       ///< stepwise model limit (pmdarima's max_steps)
  LbfgsOptions lbfgs{};     ///< optimiser settings of each fit
};

/// Outcome of auto_arima: the selected fit (when ok) and the search trail.
struct AutoArimaResult {
  bool ok = false;
  ArimaFit best;
  int d = 0;
  std::vector<ArimaFit> fits;  ///< every candidate in the order fitted
  std::string reason;          ///< why no model was selected ("" when ok)
};

/// pmdarima.auto_arima(y) for a non-seasonal series with default settings (stepwise, AIC,
/// with_intercept="auto"). The caller handles constant series (pmdarima fits a bare mean there).
inline AutoArimaResult auto_arima(const std::vector<double>& y, const AutoArimaOptions& opt = {}) {
  AutoArimaResult res;
  const int n = static_cast<int>(y.size());
  const int max_p = std::min(opt.max_p, n / 3);
  const int max_q = std::min(opt.max_q, n / 3);
  int start_p = std::min(opt.start_p, max_p);
  int start_q = std::min(opt.start_q, max_q);

  const int d = ndiffs_kpss(y, opt.alpha, opt.max_d);
  res.d = d;
  std::vector<double> dx = y;
  for (int k = 0; k < d; ++k) {
    for (std::size_t t = 0; t + 1 < dx.size(); ++t) dx[t] = dx[t + 1] - dx[t];
    dx.pop_back();
  }

  auto finish = [&]() {
    const ArimaFit* best = nullptr;
    for (const ArimaFit& f : res.fits)
      if (f.ok && std::isfinite(f.ic) && (!best || f.ic < best->ic)) best = &f;
    if (!best) {
      res.reason = "no candidate model could be fitted";
      return res;
    }
    res.best = *best;
    res.ok = true;
    return res;
  };

  if (is_constant(dx)) {
    // A polynomial trend of degree d: pmdarima fits (0,d,0) with a constant (its "auto" intercept
    // is truthy here even for d = 2).
    res.fits.push_back(fit_arima(y, ArimaSpec{0, d, 0, true}, opt.lbfgs));
    return finish();
  }

  bool intercept = d < 2;
  if (n < 10) {
    start_p = std::min(start_p, 1);
    start_q = std::min(start_q, 1);
  }
  int p = start_p, q = start_q;
  int k = 0;
  int best = -1;  // index of the best fit so far
  // Fits (p,d,q) with the given constant unless already fitted; true when it became the best.
  auto try_fit = [&](int pp, int qq, bool constant) -> bool {
    const ArimaSpec spec{pp, d, qq, constant};
    for (const ArimaFit& f : res.fits)
      if (f.spec == spec) return false;
    ++k;
    res.fits.push_back(fit_arima(y, spec, opt.lbfgs));
    const ArimaFit& f = res.fits.back();
    if (!f.ok || std::isinf(f.ic)) return false;
    if (best < 0 || f.ic < res.fits[static_cast<std::size_t>(best)].ic) {
      best = static_cast<int>(res.fits.size()) - 1;
      return true;
    }
    return false;
  };

  try_fit(p, q, intercept);
  if (try_fit(0, 0, intercept)) p = q = 0;
  if (max_p > 0 && try_fit(1, 0, intercept)) p = 1, q = 0;
  if (max_q > 0 && try_fit(0, 1, intercept)) p = 0, q = 1;
  if (intercept && try_fit(0, 0, false)) p = q = 0;

  int start_k = 0;
  while (start_k < k && k < opt.max_fits) {
    start_k = k;
    if (p > 0 && k < opt.max_fits && try_fit(p - 1, q, intercept)) { --p; continue; }
    if (q > 0 && k < opt.max_fits && try_fit(p, q - 1, intercept)) { --q; continue; }
    if (p < max_p && k < opt.max_fits && try_fit(p + 1, q, intercept)) { ++p; continue; }
    if (q < max_q && k < opt.max_fits && try_fit(p, q + 1, intercept)) { ++q; continue; }
    if (q > 0 && p > 0 && k < opt.max_fits && try_fit(p - 1, q - 1, intercept)) { --p, --q; continue; }
    if (q < max_q && p > 0 && k < opt.max_fits && try_fit(p - 1, q + 1, intercept)) { --p, ++q; continue; }
    if (q > 0 && p < max_p && k < opt.max_fits && try_fit(p + 1, q - 1, intercept)) { ++p, --q; continue; }
    if (q < max_q && p < max_p && k < opt.max_fits && try_fit(p + 1, q + 1, intercept)) { ++p, ++q; continue; }
    if (k < opt.max_fits && try_fit(p, q, !intercept)) { intercept = !intercept; continue; }
  }
  return finish();
}

}  // namespace sla_planner::detail
