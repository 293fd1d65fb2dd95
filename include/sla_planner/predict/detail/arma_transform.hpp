// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Reparameterisation of AR / MA coefficients onto the stationary (invertible) region.
// Jones (1980), "Maximum likelihood fitting of ARMA models to time series with missing
// observations", Technometrics 22; Monahan (1984), "A note on enforcing stationarity in
// autoregressive-moving average models", Biometrika 71. Unconstrained values u_k map to partial
// autocorrelations r_k = u_k / sqrt(1 + u_k^2) in (-1, 1), and the Durbin–Levinson recursion turns
// them into coefficients. Sign conventions follow statsmodels' constrain_stationary_univariate,
// which SARIMAX uses with enforce_stationarity / enforce_invertibility.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace sla_planner::detail {

/// Maps n unconstrained values to n coefficients c with 1 - c_1 z - ... - c_n z^n stationary.
/// `work` is scratch space (resized to n*n).
inline void constrain_stationary(const double* u, std::size_t n, double* out, std::vector<double>& work) {
  if (n == 0) return;
  work.assign(n * n, 0.0);
  auto y = [&](std::size_t k, std::size_t i) -> double& { return work[k * n + i]; };
  for (std::size_t k = 0; k < n; ++k) {
    const double rk = u[k] / std::sqrt(1.0 + u[k] * u[k]);
    for (std::size_t i = 0; i < k; ++i) y(k, i) = y(k - 1, i) + rk * y(k - 1, k - i - 1);
    y(k, k) = rk;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = -y(n - 1, i);
}

/// Inverse of constrain_stationary (runs the Durbin–Levinson recursion backwards).
/// A coefficient vector on the boundary gives infinite values.
inline void unconstrain_stationary(const double* c, std::size_t n, double* out, std::vector<double>& work) {
  if (n == 0) return;
  work.assign(n * n, 0.0);
  auto y = [&](std::size_t k, std::size_t i) -> double& { return work[k * n + i]; };
  for (std::size_t i = 0; i < n; ++i) y(n - 1, i) = -c[i];
  for (std::size_t k = n - 1; k > 0; --k) {
    const double rk = y(k, k);
    for (std::size_t i = 0; i < k; ++i) y(k - 1, i) = (y(k, i) - rk * y(k, k - i - 1)) / (1.0 - rk * rk);
  }
  for (std::size_t k = 0; k < n; ++k) {
    const double rk = y(k, k);
    out[k] = rk / std::sqrt(1.0 - rk * rk);
  }
}

}  // namespace sla_planner::detail
