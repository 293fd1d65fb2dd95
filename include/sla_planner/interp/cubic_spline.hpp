// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Interpolating cubic spline with not-a-knot end conditions — the spline that
// scipy.interpolate.interp1d(kind="cubic") and scipy.interpolate.CubicSpline (default bc_type)
// compute. Slopes are solved from the C2 conditions (de Boor, "A Practical Guide to Splines",
// ch. IV) with a tridiagonal LU with partial pivoting (as LAPACK ?gtsv).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/util/checks.hpp"

namespace sla_planner {

/// C2 cubic spline through (x[i], y[i]) with not-a-knot ends. Two points give the line through
/// them, three the parabola, four or more the not-a-knot cubic spline.
/// Build once, evaluate many times; const member functions are safe to call concurrently.
/// Outside [x.front(), x.back()] the end cubics are extrapolated (callers clamp when they want to).
class CubicSpline {
public:
  /// \param x strictly increasing, finite abscissas (at least 2)
  /// \param y finite ordinates, same length as x
  /// \throws std::invalid_argument naming the offending indices and values
  CubicSpline(std::vector<double> x, std::vector<double> y) : x_(std::move(x)), y_(std::move(y)) {
    if (x_.size() != y_.size())
      throw std::invalid_argument("CubicSpline: x has " + std::to_string(x_.size()) + " values but y has " +
                                  std::to_string(y_.size()));
    if (x_.size() < 2)
      throw std::invalid_argument("CubicSpline: need at least 2 points, got " + std::to_string(x_.size()));
    for (std::size_t i = 0; i < x_.size(); ++i) {
      if (!std::isfinite(x_[i])) throw std::invalid_argument("CubicSpline: x[" + std::to_string(i) + "] = " + fmt(x_[i]) + " is not finite");
      if (!std::isfinite(y_[i])) throw std::invalid_argument("CubicSpline: y[" + std::to_string(i) + "] = " + fmt(y_[i]) + " is not finite");
      if (i > 0 && !(x_[i - 1] < x_[i]))
        throw std::invalid_argument("CubicSpline: x[" + std::to_string(i - 1) + "] = " + fmt(x_[i - 1]) + " and x[" +
                                    std::to_string(i) + "] = " + fmt(x_[i]) + " are not strictly increasing");
    }
    solve_slopes();
  }

  /// Value of the spline at t.
  double operator()(double t) const noexcept {
    const std::size_t i = segment(t);
    const double h = x_[i + 1] - x_[i];
    const double d = (y_[i + 1] - y_[i]) / h;
    const double dx = t - x_[i];
    const double c2 = (3.0 * d - 2.0 * s_[i] - s_[i + 1]) / h;
    const double c3 = (s_[i] + s_[i + 1] - 2.0 * d) / (h * h);
    return y_[i] + dx * (s_[i] + dx * (c2 + dx * c3));
  }

  /// First derivative at t.
  double prime(double t) const noexcept {
    const std::size_t i = segment(t);
    const double h = x_[i + 1] - x_[i];
    const double d = (y_[i + 1] - y_[i]) / h;
    const double dx = t - x_[i];
    const double c2 = (3.0 * d - 2.0 * s_[i] - s_[i + 1]) / h;
    const double c3 = (s_[i] + s_[i + 1] - 2.0 * d) / (h * h);
    return s_[i] + dx * (2.0 * c2 + 3.0 * dx * c3);
  }

  /// The interpolation interval [x.front(), x.back()].
  std::pair<double, double> domain() const noexcept { return {x_.front(), x_.back()}; }
  const std::vector<double>& x() const noexcept { return x_; }
  const std::vector<double>& y() const noexcept { return y_; }

private:
  static std::string fmt(double v) { return format_number(v); }

  std::size_t segment(double t) const noexcept {
    // Index i of the segment [x_i, x_{i+1}] holding t; end segments extend outward. NaN maps to 0.
    const auto it = std::upper_bound(x_.begin() + 1, x_.end() - 1, t);
    return static_cast<std::size_t>(it - x_.begin()) - 1;
  }

  void solve_slopes() {
    const std::size_t n = x_.size();
    s_.assign(n, 0.0);
    std::vector<double> h(n - 1), d(n - 1);
    for (std::size_t i = 0; i + 1 < n; ++i) {
      h[i] = x_[i + 1] - x_[i];
      d[i] = (y_[i + 1] - y_[i]) / h[i];
    }
    if (n == 2) {  // the line
      s_[0] = s_[1] = d[0];
      return;
    }
    if (n == 3) {  // not-a-knot at both ends of two segments: the parabola through the points
      const double c = (d[1] - d[0]) / (x_[2] - x_[0]);
      s_[0] = d[0] - c * h[0];
      s_[1] = d[0] + c * h[0];
      s_[2] = d[1] + c * h[1];
      return;
    }
    // Tridiagonal system: sub[i] s[i-1] + diag[i] s[i] + sup[i] s[i+1] = rhs[i].
    std::vector<double> sub(n, 0.0), diag(n, 0.0), sup(n, 0.0), rhs(n, 0.0);
    for (std::size_t i = 1; i + 1 < n; ++i) {
      sub[i] = h[i];
      diag[i] = 2.0 * (h[i - 1] + h[i]);
      sup[i] = h[i - 1];
      rhs[i] = 3.0 * (h[i] * d[i - 1] + h[i - 1] * d[i]);
    }
    // Not-a-knot: the third derivative is continuous at x[1] and at x[n-2].
    diag[0] = h[1];
    sup[0] = h[0] + h[1];
    rhs[0] = ((h[0] + 2.0 * sup[0]) * h[1] * d[0] + h[0] * h[0] * d[1]) / sup[0];
    const std::size_t m = n - 1;
    diag[m] = h[m - 2];
    sub[m] = h[m - 1] + h[m - 2];
    rhs[m] = (h[m - 1] * h[m - 1] * d[m - 2] + (2.0 * sub[m] + h[m - 1]) * h[m - 2] * d[m - 1]) / sub[m];
    solve_tridiagonal(sub, diag, sup, rhs);
    s_ = std::move(rhs);
  }

  /// Gaussian elimination with partial pivoting on a tridiagonal matrix (fill-in: one extra
  /// super-diagonal), in the manner of LAPACK dgtsv. The solution replaces `b`.
  static void solve_tridiagonal(std::vector<double> dl, std::vector<double> d, std::vector<double> du,
                                std::vector<double>& b) {
    const std::size_t n = d.size();
    std::vector<double> du2(n, 0.0);
    // dl[i] is the entry at (i, i-1); shift so that l[i] = entry (i+1, i).
    std::vector<double> l(n, 0.0);
    for (std::size_t i = 0; i + 1 < n; ++i) l[i] = dl[i + 1];
    for (std::size_t i = 0; i + 1 < n; ++i) {
      if (std::fabs(d[i]) >= std::fabs(l[i])) {
        const double f = l[i] / d[i];
        d[i + 1] -= f * du[i];
        b[i + 1] -= f * b[i];
        l[i] = 0.0;
      } else {  // swap rows i and i+1
        const double f = d[i] / l[i];
        d[i] = l[i];
        const double tmp = d[i + 1];
        d[i + 1] = du[i] - f * tmp;
        if (i + 2 < n) {
          du2[i] = du[i + 1];
          du[i + 1] = -f * du2[i];
        }
        du[i] = tmp;
        std::swap(b[i], b[i + 1]);
        b[i + 1] -= f * b[i];
      }
    }
    b[n - 1] /= d[n - 1];
    if (n > 1) b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / d[n - 2];
    for (std::size_t k = n - 2; k-- > 0;) b[k] = (b[k] - du[k] * b[k + 1] - du2[k] * b[k + 2]) / d[k];
  }

  std::vector<double> x_, y_, s_;
};

}  // namespace sla_planner
