// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Time of one prefill forward pass, derived from a profile's single-request TTFT curve, for a
// replay of vLLM's continuous batching with chunked prefill (vLLM V1 scheduler: each step fills a
// token budget from running requests first, then waiting ones, splitting a long prompt).
// A lone request of n tokens keeps the worker busy W(n) = TTFT(n) − fixed latency, split into
//   W(n) = o + g(n),   g(0) = 0,
// o being the per-pass overhead: the TTFT line through the two smallest profiled ISLs at n = 0,
// minus the fixed latency (so o is the fastest decode step when the fixed latency is the profile's
// estimate, estimate_prefill_fixed_latency_ms). g is
//   - linear from (0, 0) to the smallest profiled ISL,
//   - the profile's not-a-knot spline minus o (and the fixed latency) inside the profiled range,
//   - beyond the largest ISL nmax, attention's quadratic growth: with W(n) ≈ a + b·n + c·n²
//     (c >= 0) fitted by least squares on the profiled points,
//     g(n) = g(nmax) + (b + 2c·nmax)(n − nmax) + c(n − nmax)².
// A pass computing t_i tokens of requests whose first p_i tokens are computed (or cached) takes
//   o + Σ_i max(0, g(p_i + t_i) − g(p_i)),
// so a lone request fitting one pass takes exactly W(n), and chunking a prompt conserves its work.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sla_planner/interp/cubic_spline.hpp"
#include "sla_planner/interp/prefill_interpolator.hpp"
#include "sla_planner/profile/prefill_profile.hpp"

namespace sla_planner {

/// Prefill forward-pass times from profiled (ISL, TTFT) points. Const calls are safe to make
/// concurrently.
class PrefillCostModel {
public:
  /// \param profile the profiled prefill points (validated; duplicate ISLs are a DataError)
  /// \param fixed_latency_ms part of every TTFT that does not occupy the worker (>= 0)
  /// \throws DataError for an invalid profile; std::invalid_argument for a bad fixed latency
  PrefillCostModel(const PrefillProfile& profile, double fixed_latency_ms) : spline_(sorted(profile)) {
    if (!(fixed_latency_ms >= 0) || !std::isfinite(fixed_latency_ms))
      throw std::invalid_argument("'fixed_latency_ms' must be >= 0, got " + std::to_string(fixed_latency_ms));
    fixed_ = fixed_latency_ms;
    const std::vector<double>& x = spline_.x();
    const std::vector<double>& y = spline_.y();
    const double intercept = y[0] - (y[1] - y[0]) / (x[1] - x[0]) * x[0];
    overhead_ = std::max(0.0, intercept - fixed_);
    base_ = fixed_ + overhead_;  // TTFT(n) − base_ = g(n) inside the profiled range
    x0_ = x.front();
    g0_ = y.front() - base_;
    xmax_ = x.back();
    gmax_ = y.back() - base_;
    fit_quadratic(x, y);
    slope_ = std::max(0.0, b_ + 2.0 * c_ * xmax_);
  }

  /// Per-pass overhead o (ms).
  double overhead_ms() const noexcept { return overhead_; }
  /// The fixed latency the model was built with (ms).
  double fixed_latency_ms() const noexcept { return fixed_; }
  /// Work g(n) of computing the first n prompt tokens (ms), without the per-pass overhead.
  double work_ms(double n) const noexcept {
    if (n <= 0) return 0.0;
    if (n < x0_) return g0_ * (n / x0_);
    if (n <= xmax_) return spline_(n) - base_;
    const double d = n - xmax_;
    return gmax_ + slope_ * d + c_ * d * d;
  }
  /// Work of computing tokens [done, done + tokens) of a prompt (ms, >= 0).
  double chunk_ms(double done, double tokens) const noexcept {
    return std::max(0.0, work_ms(done + tokens) - work_ms(done));
  }
  /// Busy time of a lone request of n tokens in one pass: W(n) = o + g(n) (ms).
  double lone_ms(double n) const noexcept { return overhead_ + work_ms(n); }
  /// Least-squares fit W(n) ≈ a + b·n + c·n² used beyond the profile: {a, b, c}.
  std::vector<double> quadratic_fit() const { return {a_, b_, c_}; }
  /// Largest profiled ISL.
  double max_isl() const noexcept { return xmax_; }

private:
  static CubicSpline sorted(const PrefillProfile& p) {
    const PrefillInterpolator check(p);  // validation and duplicate ISLs, with their messages
    std::vector<std::size_t> order(p.isl.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p.isl[a] < p.isl[b]; });
    std::vector<double> x, y;
    for (std::size_t k : order) x.push_back(p.isl[k]), y.push_back(p.ttft_ms[k]);
    return CubicSpline(std::move(x), std::move(y));
  }

  /// Least squares of W = y − fixed on n (scaled by nmax for conditioning); a negative curvature
  /// falls back to the straight line.
  void fit_quadratic(const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t m = x.size();
    const double s = xmax_ > 0 ? xmax_ : 1.0;
    // Normal equations of [1, u, u²] with u = n / s.
    double S[5] = {0, 0, 0, 0, 0}, T[3] = {0, 0, 0};
    for (std::size_t i = 0; i < m; ++i) {
      const double u = x[i] / s, w = y[i] - fixed_;
      double p = 1;
      for (int k = 0; k < 5; ++k) S[k] += p, p *= u;
      T[0] += w, T[1] += w * u, T[2] += w * u * u;
    }
    double a = 0, b = 0, c = 0;
    bool quad = false;
    if (m >= 3) {
      const double M[3][3] = {{S[0], S[1], S[2]}, {S[1], S[2], S[3]}, {S[2], S[3], S[4]}};
      const double det = det3(M);
      if (det != 0 && std::isfinite(det)) {
        double Ma[3][3], Mb[3][3], Mc[3][3];
        for (int r = 0; r < 3; ++r)
          for (int k = 0; k < 3; ++k) Ma[r][k] = Mb[r][k] = Mc[r][k] = M[r][k];
        for (int r = 0; r < 3; ++r) Ma[r][0] = T[r], Mb[r][1] = T[r], Mc[r][2] = T[r];
        a = det3(Ma) / det, b = det3(Mb) / det, c = det3(Mc) / det;
        quad = c >= 0;
      }
    }
    if (!quad) {
      const double det = S[0] * S[2] - S[1] * S[1];
      c = 0;
      if (det != 0) {
        a = (T[0] * S[2] - S[1] * T[1]) / det;
        b = (S[0] * T[1] - S[1] * T[0]) / det;
      } else {
        a = T[0] / S[0], b = 0;
      }
    }
    a_ = a, b_ = b / s, c_ = c / (s * s);
  }
  static double det3(const double M[3][3]) {
    return M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0]) +
           M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]);
  }

  CubicSpline spline_;
  double fixed_ = 0, overhead_ = 0, base_ = 0;
  double x0_ = 0, g0_ = 0, xmax_ = 0, gmax_ = 0;
  double a_ = 0, b_ = 0, c_ = 0, slope_ = 0;
};

}  // namespace sla_planner
