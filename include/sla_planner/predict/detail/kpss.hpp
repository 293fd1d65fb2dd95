// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// KPSS level-stationarity test and the choice of the differencing order d.
// Kwiatkowski, Phillips, Schmidt & Shin (1992), "Testing the null hypothesis of stationarity
// against the alternative of a unit root", J. Econometrics 54. The variant is the one R's
// tseries::kpss.test and pmdarima's KPSSTest / ndiffs use: residuals from the mean, a Newey–West
// long-run variance with Bartlett weights and l = trunc(4 (n/100)^(1/4)) lags, and a p-value
// interpolated linearly in the published table and clamped at its ends.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace sla_planner::detail {

/// Statistic, p-value and lag count of one KPSS test.
struct KpssResult {
  double statistic = std::numeric_limits<double>::quiet_NaN();
  double p_value = std::numeric_limits<double>::quiet_NaN();  ///< in [0.01, 0.10]; NaN for empty input
  int lags = 0;
};

/// True when every value equals the first (an empty series counts as constant).
inline bool is_constant(const std::vector<double>& x) noexcept {
  for (double v : x)
    if (!(v == x.front())) return false;
  return true;
}

/// KPSS test of level stationarity of x (null: stationary around a constant).
/// eta = sum(S_t^2) / n^2 with S the partial sums of x - mean(x); the long-run variance is
/// s2 = (1/n) sum e_t^2 + (2/n) sum_{i=1..l} (1 - i/(l+1)) sum_{t>=i} e_t e_{t-i}.
inline KpssResult kpss_level(const std::vector<double>& x) {
  KpssResult r;
  const std::size_t n = x.size();
  if (n == 0) return r;
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  std::vector<double> e(n);
  for (std::size_t t = 0; t < n; ++t) e[t] = x[t] - mean;

  double cum = 0.0, eta = 0.0, ss = 0.0;
  for (std::size_t t = 0; t < n; ++t) {
    cum += e[t];
    eta += cum * cum;
    ss += e[t] * e[t];
  }
  const double dn = static_cast<double>(n);
  eta /= dn * dn;
  r.lags = static_cast<int>(std::trunc(4.0 * std::pow(dn / 100.0, 0.25)));
  double acc = 0.0;
  for (int i = 1; i <= r.lags; ++i) {
    double s = 0.0;
    for (std::size_t t = static_cast<std::size_t>(i); t < n; ++t) s += e[t] * e[t - static_cast<std::size_t>(i)];
    acc += s * (1.0 - static_cast<double>(i) / (static_cast<double>(r.lags) + 1.0));
  }
  const double s2 = ss / dn + 2.0 * acc / dn;
  r.statistic = eta / s2;

  // Critical values of the level test at p = 0.10, 0.05, 0.025, 0.01 (Kwiatkowski et al., table 1).
  static constexpr double crit[4] = {0.347, 0.463, 0.574, 0.739};
  static constexpr double pval[4] = {0.10, 0.05, 0.025, 0.01};
  const double s = r.statistic;
  if (std::isnan(s)) return r;
  if (s <= crit[0]) {
    r.p_value = pval[0];
  } else if (s >= crit[3]) {
    r.p_value = pval[3];
  } else {
    int k = 0;
    while (s > crit[k + 1]) ++k;
    r.p_value = pval[k] + (pval[k + 1] - pval[k]) * (s - crit[k]) / (crit[k + 1] - crit[k]);
  }
  return r;
}

/// Order of differencing as pmdarima's ndiffs(test="kpss"): difference while the KPSS test
/// rejects stationarity at level alpha (p < alpha), at most max_d times; a series that becomes
/// constant stops the loop at that order.
inline int ndiffs_kpss(std::vector<double> x, double alpha, int max_d) {
  if (is_constant(x)) return 0;
  KpssResult k = kpss_level(x);
  if (std::isnan(k.p_value)) return 0;
  int d = 0;
  while (k.p_value < alpha && d < max_d) {
    ++d;
    for (std::size_t t = 0; t + 1 < x.size(); ++t) x[t] = x[t + 1] - x[t];
    x.pop_back();
    if (is_constant(x)) return d;
    k = kpss_level(x);
    if (std::isnan(k.p_value)) return d - 1;
  }
  return d;
}

}  // namespace sla_planner::detail
