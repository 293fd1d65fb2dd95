// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Piecewise-cubic, C1 Clough–Tocher interpolant on a Delaunay triangulation — the interpolant of
// scipy.interpolate.CloughTocher2DInterpolator (scipy/interpolate/interpnd.pyx, P. Virtanen), which
// scipy.interpolate.griddata(method="cubic") uses:
//   - triangulation: Qhull "d Qbb Qc Qz Q12 Qt" on the raw points (detail/qhull_delaunay.hpp);
//   - vertex gradients: global curvature minimisation by Gauss–Seidel sweeps, G. Nielson, "A method
//     for interpolating scattered data based upon a minimum norm network", Math. Comp. 40 (1983),
//     and R. J. Renka & A. K. Cline, Rocky Mountain J. Math. 14 (1984);
//   - per triangle: the Clough–Tocher split into three cubic Bézier patches (P. Alfeld, "A trivariate
//     Clough–Tocher scheme for tetrahedral data", CAGD 1 (1984); G. Farin, "Triangular
//     Bernstein–Bézier patches", CAGD 3 (1986)), with the cross-boundary derivative taken towards
//     the neighbouring triangle's centroid so that the interpolant is affine invariant;
//   - point location: SciPy's find_simplex — bounding-box test, a walk over the lifted facets
//     (paraboloid), a directed walk on barycentric coordinates with eps = 100 DBL_EPSILON, and a
//     brute-force fallback that tolerates degenerate triangles with eps_broad = sqrt(eps).
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/interp/detail/qhull_delaunay.hpp"
#include "sla_planner/util/fit_status.hpp"

namespace sla_planner {

/// Parameters of the gradient estimation (SciPy's `tol` and `maxiter`).
struct CloughTocher2DOptions {
  /// Stop the Gauss–Seidel sweeps when no gradient component changes by more than `tol`
  /// (absolute below 1, relative above). SciPy's default.
  double tol = 1e-6;
  /// At most this many sweeps; reaching it leaves `gradient_status()` at NotConverged. SciPy's default.
  int maxiter = 400;

  /// \throws std::invalid_argument naming the field and its valid range
  void validate() const {
    if (!(tol > 0) || !std::isfinite(tol)) {
      std::ostringstream os;
      os << "'tol' must be a positive number, got " << tol;
      throw std::invalid_argument(os.str());
    }
    if (maxiter < 1) throw std::invalid_argument("'maxiter' must be >= 1, got " + std::to_string(maxiter));
  }
};

/// The points cannot be triangulated (fewer than 3, all on a line, all equal, or Qhull failed).
/// `collinear()` tells the common case apart so that callers can name the data involved.
class TriangulationError : public DataError {
public:
  TriangulationError(bool collinear, const std::string& what) : DataError(what), collinear_(collinear) {}
  bool collinear() const noexcept { return collinear_; }

private:
  bool collinear_;
};

/// C1 piecewise-cubic interpolant of scattered 2-D data, numerically the same as SciPy's
/// CloughTocher2DInterpolator. Build once from points and one or more value columns (all columns
/// share the triangulation), then evaluate with `operator()`; points outside the convex hull give
/// NaN. Construction does no I/O. Const member functions are safe to call concurrently.
class CloughTocher2D {
public:
  using Points = Eigen::Matrix<double, Eigen::Dynamic, 2, Eigen::RowMajor>;

  /// \param points n x 2 data sites (x, y), at least 3, finite
  /// \param values n x m data values, one column per interpolated quantity, finite (a vector
  ///        for a single quantity)
  /// \throws std::invalid_argument on mismatched shapes, non-finite input or bad options
  /// \throws TriangulationError when the points span no triangle (collinear, coincident, < 3)
  CloughTocher2D(Points points, Eigen::MatrixXd values, CloughTocher2DOptions options = {})
      : points_(std::move(points)), values_(std::move(values)), options_(options) {
    options_.validate();
    check_input();
    triangulate();
    precompute_neighbours();
    estimate_gradients();
    precompute_patches();
  }

  /// Value of column `column` at (x, y); NaN outside the convex hull of the points.
  /// Point location starts from triangle 0, as a single-point SciPy call does.
  double operator()(double x, double y, Eigen::Index column = 0) const {
    int hint = -1;
    return (*this)(x, y, column, hint);
  }

  /// The same value, bit for bit, found faster for a caller whose points move little: when
  /// (x, y) lies well inside triangle `hint` (every barycentric coordinate at least 1e-4 — no
  /// other triangle can then hold it, so the search from triangle 0 would end there too), that
  /// triangle is used; otherwise operator()'s search runs. `hint` becomes the triangle used (-1
  /// outside the hull); start it at -1.
  double operator()(double x, double y, Eigen::Index column, int& hint) const {
    double c[3];
    if (hint >= 0 && hint < static_cast<int>(tri_.transforms.size())) {
      const auto& t = tri_.transforms[static_cast<std::size_t>(hint)];
      const double p[2] = {x, y};
      // The directed walk's arithmetic (find_simplex_directed), so the coordinates are its own.
      for (int k = 0; k < 2; ++k) {
        c[k] = 0;
        for (int j = 0; j < 2; ++j) c[k] += t[static_cast<std::size_t>(2 * k + j)] * (p[j] - t[static_cast<std::size_t>(4 + j)]);
      }
      c[2] = 1.0;
      for (int j = 0; j < 2; ++j) c[2] -= c[j];
      constexpr double margin = 1e-4;
      if (c[0] >= margin && c[1] >= margin && c[2] >= margin) return patch_value(hint, column, c);
    }
    int start = 0;
    hint = find_simplex(x, y, start, c);
    return hint < 0 ? std::numeric_limits<double>::quiet_NaN() : patch_value(hint, column, c);
  }

  /// Values of every column at the query points `xy` (k x 2), k x m. Like SciPy's array call,
  /// each point's search starts from the triangle where the previous one was found, so grids
  /// evaluated row by row visit the same triangles as SciPy.
  Eigen::MatrixXd evaluate(const Eigen::Ref<const Points>& xy) const {
    Eigen::MatrixXd out(xy.rows(), values_.cols());
    int start = 0;
    double c[3];
    for (Eigen::Index i = 0; i < xy.rows(); ++i) {
      const int s = find_simplex(xy(i, 0), xy(i, 1), start, c);
      for (Eigen::Index k = 0; k < values_.cols(); ++k)
        out(i, k) = s < 0 ? std::numeric_limits<double>::quiet_NaN() : patch_value(s, k, c);
    }
    return out;
  }

  /// Index of the triangle holding (x, y), -1 outside the hull; `start` is the triangle to walk
  /// from and is updated as SciPy updates it; `bary` receives the barycentric coordinates.
  int find_simplex(double x, double y, int& start, double bary[3]) const {
    const double eps = 100 * DBL_EPSILON;
    const double eps_broad = std::sqrt(eps);
    const double p[2] = {x, y};
    if (fully_outside(p, eps)) return -1;
    const int nsimplex = static_cast<int>(tri_.simplices.size());
    if (nsimplex <= 0) return -1;
    int s = (start < 0 || start >= nsimplex) ? 0 : start;
    // Walk the lifted facets towards one whose plane is below the lifted point.
    const double z[3] = {x, y, (x * x + y * y) * tri_.paraboloid_scale + tri_.paraboloid_shift};
    double best = distplane(s, z);
    bool changed = true;
    while (changed) {
      if (best > 0) break;
      changed = false;
      for (int k = 0; k < 3; ++k) {
        const int nb = tri_.neighbors[s][k];
        if (nb == -1) continue;
        const double dist = distplane(nb, z);
        if (dist > best + eps * (1 + std::fabs(best))) {
          s = nb;  // continue the sweep from the next k, as SciPy does
          best = dist;
          changed = true;
        }
      }
    }
    start = s;
    return find_simplex_directed(p, start, bary, eps, eps_broad);
  }

  /// Number of data points.
  Eigen::Index size() const noexcept { return points_.rows(); }
  /// Number of value columns.
  Eigen::Index columns() const noexcept { return values_.cols(); }
  const Points& points() const noexcept { return points_; }
  const Eigen::MatrixXd& values() const noexcept { return values_; }
  /// Bounding box of the points: {{min x, min y}, {max x, max y}}.
  std::pair<std::array<double, 2>, std::array<double, 2>> domain() const noexcept { return {min_, max_}; }
  /// Triangles (point indices, counter-clockwise), in Qhull's order as scipy.spatial.Delaunay lists them.
  const std::vector<std::array<int, 3>>& simplices() const noexcept { return tri_.simplices; }
  /// Neighbour k of triangle t lies opposite its vertex k; -1 on the convex hull.
  const std::vector<std::array<int, 3>>& neighbors() const noexcept { return tri_.neighbors; }
  /// Estimated gradients (n x 2: d/dx, d/dy) of value column `column`.
  const Eigen::MatrixX2d& gradients(Eigen::Index column = 0) const { return grads_.at(static_cast<std::size_t>(column)); }
  /// Gauss–Seidel sweeps used for column `column` (maxiter when not converged).
  int gradient_iterations(Eigen::Index column = 0) const { return iterations_.at(static_cast<std::size_t>(column)); }
  /// Success when every column's gradient estimation met `tol`, NotConverged otherwise
  /// (SciPy warns and carries on with the last sweep; so does this class).
  FitStatus gradient_status() const noexcept {
    for (bool ok : converged_)
      if (!ok) return FitStatus::NotConverged;
    return FitStatus::Success;
  }

private:
  void check_input() const {
    if (values_.rows() != points_.rows())
      throw std::invalid_argument("CloughTocher2D: " + std::to_string(points_.rows()) + " points but " +
                                  std::to_string(values_.rows()) + " values");
    if (values_.cols() < 1) throw std::invalid_argument("CloughTocher2D: no value columns");
    for (Eigen::Index i = 0; i < points_.rows(); ++i) {
      if (!std::isfinite(points_(i, 0)) || !std::isfinite(points_(i, 1)))
        throw std::invalid_argument("CloughTocher2D: point " + std::to_string(i) + " = (" + fmt(points_(i, 0)) +
                                    ", " + fmt(points_(i, 1)) + ") is not finite");
      for (Eigen::Index k = 0; k < values_.cols(); ++k)
        if (!std::isfinite(values_(i, k)))
          throw std::invalid_argument("CloughTocher2D: value (" + std::to_string(i) + ", " + std::to_string(k) +
                                      ") = " + fmt(values_(i, k)) + " is not finite");
    }
  }

  static std::string fmt(double v) {
    std::ostringstream os;
    os.precision(17);
    os << v;
    return os.str();
  }

  void triangulate() {
    const int n = static_cast<int>(points_.rows());
    if (n < 3)
      throw TriangulationError(false, "cannot triangulate " + std::to_string(n) + " points (need at least 3)");
    try {
      tri_ = detail::qhull_delaunay_2d(points_.data(), n);
    } catch (const detail::QhullFailure& e) {
      if (nearly_collinear())
        throw TriangulationError(true, "the " + std::to_string(n) +
                                           " points are collinear (they span a line or a point); cannot triangulate");
      throw TriangulationError(false, std::string("Qhull cannot triangulate the points: ") + e.what());
    }
    if (tri_.simplices.empty())
      throw TriangulationError(true, "the points span no triangle; cannot triangulate");
    min_ = {points_.col(0).minCoeff(), points_.col(1).minCoeff()};
    max_ = {points_.col(0).maxCoeff(), points_.col(1).maxCoeff()};
  }

  /// True when, with both axes scaled to unit range, every point lies within 1e-9 of the line
  /// through the first point and the point farthest from it (or all points coincide). Used only
  /// to name a Qhull failure.
  bool nearly_collinear() const {
    const Eigen::Array2d lo = points_.colwise().minCoeff().transpose().array();
    const Eigen::Array2d range = points_.colwise().maxCoeff().transpose().array() - lo;
    if (!(range(0) > 0) || !(range(1) > 0)) return true;  // all on an axis-parallel line or one point
    auto at = [&](Eigen::Index i) { return Eigen::Array2d((points_.row(i).transpose().array() - lo) / range); };
    const Eigen::Array2d a = at(0);
    Eigen::Array2d b = a;
    for (Eigen::Index i = 1; i < points_.rows(); ++i)
      if ((at(i) - a).matrix().squaredNorm() > (b - a).matrix().squaredNorm()) b = at(i);
    const double len = (b - a).matrix().norm();
    if (len == 0) return true;
    for (Eigen::Index i = 0; i < points_.rows(); ++i) {
      const Eigen::Array2d d = at(i) - a;
      if (std::fabs(d(0) * (b(1) - a(1)) - d(1) * (b(0) - a(0))) / len > 1e-9) return false;
    }
    return true;
  }

  /// Neighbouring vertices of every vertex, in the order scipy's vertex_neighbor_vertices lists
  /// them (first appearance while scanning the triangles): the order of the Gauss–Seidel sums.
  void precompute_neighbours() {
    const std::size_t n = static_cast<std::size_t>(points_.rows());
    std::vector<std::vector<int>> sets(n);
    for (const auto& t : tri_.simplices)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k)
          if (t[j] != t[k]) {
            auto& s = sets[static_cast<std::size_t>(t[j])];
            if (std::find(s.begin(), s.end(), t[k]) == s.end()) s.push_back(t[k]);
          }
    nb_ptr_.assign(n + 1, 0);
    nb_idx_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      nb_idx_.insert(nb_idx_.end(), sets[i].begin(), sets[i].end());
      nb_ptr_[i + 1] = nb_idx_.size();
    }
  }

  /// Gauss–Seidel minimisation of the summed squared second derivative of the Clough–Tocher
  /// interpolant along every edge (Nielson 1983): for each vertex V in turn, with the other
  /// gradients fixed, dF_V = -Q^-1 s where Q = 4 sum_E E E^T / |E|^3 and
  /// s = sum_E (6 (f_V - f_W) + 2 E.dF_W) E / |E|^3 over the edges E = W - V.
  void estimate_gradients() {
    const Eigen::Index n = points_.rows();
    for (Eigen::Index col = 0; col < values_.cols(); ++col) {
      Eigen::MatrixX2d y = Eigen::MatrixX2d::Zero(n, 2);
      int used = options_.maxiter;
      bool converged = false;
      for (int iter = 0; iter < options_.maxiter; ++iter) {
        double err = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
          double q0 = 0, q1 = 0, q3 = 0, s0 = 0, s1 = 0;
          for (std::size_t m = nb_ptr_[static_cast<std::size_t>(i)]; m < nb_ptr_[static_cast<std::size_t>(i) + 1]; ++m) {
            const Eigen::Index j = nb_idx_[m];
            const double ex = points_(j, 0) - points_(i, 0);
            const double ey = points_(j, 1) - points_(i, 1);
            const double len = std::sqrt(ex * ex + ey * ey);
            const double l3 = len * len * len;
            const double f1 = values_(i, col), f2 = values_(j, col);
            const double df2 = -ex * y(j, 0) - ey * y(j, 1);
            q0 += 4 * ex * ex / l3;
            q1 += 4 * ex * ey / l3;
            q3 += 4 * ey * ey / l3;
            s0 += (6 * (f1 - f2) - 2 * df2) * ex / l3;
            s1 += (6 * (f1 - f2) - 2 * df2) * ey / l3;
          }
          const double q2 = q1;
          const double det = q0 * q3 - q1 * q2;
          const double r0 = (q3 * s0 - q1 * s1) / det;
          const double r1 = (-q2 * s0 + q0 * s1) / det;
          // max() as Cython compiles it: the first argument unless the second is greater (NaN-safe).
          double change = cy_max(std::fabs(y(i, 0) + r0), std::fabs(y(i, 1) + r1));
          y(i, 0) = -r0;
          y(i, 1) = -r1;
          change /= cy_max(1.0, cy_max(std::fabs(r0), std::fabs(r1)));
          err = cy_max(err, change);
        }
        if (err < options_.tol) {
          used = iter + 1;
          converged = true;
          break;
        }
      }
      grads_.push_back(std::move(y));
      iterations_.push_back(used);
      converged_.push_back(converged);
    }
  }

  static double cy_max(double a, double b) noexcept { return b > a ? b : a; }

  /// Bézier ordinates of the three Clough–Tocher sub-patches, per triangle and column. Vertex
  /// points 1, 2, 3 are the triangle's vertices, point 4 its centroid; c_ijkl is the ordinate of
  /// b1^i b2^j b3^k b4^l. Edge ordinates come from the vertex gradients; the interior ones from
  /// C1 continuity, with the cross-edge derivative taken towards the neighbour's centroid (g[k]).
  void precompute_patches() {
    const std::size_t ns = tri_.simplices.size();
    const auto ncol = static_cast<std::size_t>(values_.cols());
    patches_.assign(ns * ncol, Patch{});
    for (std::size_t s = 0; s < ns; ++s) {
      const auto& t = tri_.simplices[s];
      if (!(tri_.transforms[s][0] == tri_.transforms[s][0])) continue;  // degenerate: never evaluated
      const double e12x = points_(t[1], 0) - points_(t[0], 0), e12y = points_(t[1], 1) - points_(t[0], 1);
      const double e23x = points_(t[2], 0) - points_(t[1], 0), e23y = points_(t[2], 1) - points_(t[1], 1);
      const double e31x = points_(t[0], 0) - points_(t[2], 0), e31y = points_(t[0], 1) - points_(t[2], 1);
      double g[3];
      for (int k = 0; k < 3; ++k) {
        const int nb = tri_.neighbors[s][k];
        if (nb == -1) {
          g[k] = -1. / 2;  // no neighbour: derivative towards the own centroid
          continue;
        }
        const auto& u = tri_.simplices[static_cast<std::size_t>(nb)];
        const double cen[2] = {(points_(u[0], 0) + points_(u[1], 0) + points_(u[2], 0)) / 3,
                               (points_(u[0], 1) + points_(u[1], 1) + points_(u[2], 1)) / 3};
        double c[3];
        barycentric(static_cast<int>(s), cen, c);
        if (k == 0) g[k] = (2 * c[2] + c[1] - 1) / (2 - 3 * c[2] - 3 * c[1]);
        else if (k == 1) g[k] = (2 * c[0] + c[2] - 1) / (2 - 3 * c[0] - 3 * c[2]);
        else g[k] = (2 * c[1] + c[0] - 1) / (2 - 3 * c[1] - 3 * c[0]);
      }
      for (std::size_t col = 0; col < ncol; ++col) {
        const auto& gr = grads_[col];
        const auto cc = static_cast<Eigen::Index>(col);
        const double f1 = values_(t[0], cc), f2 = values_(t[1], cc), f3 = values_(t[2], cc);
        const double df12 = +(gr(t[0], 0) * e12x + gr(t[0], 1) * e12y);
        const double df21 = -(gr(t[1], 0) * e12x + gr(t[1], 1) * e12y);
        const double df23 = +(gr(t[1], 0) * e23x + gr(t[1], 1) * e23y);
        const double df32 = -(gr(t[2], 0) * e23x + gr(t[2], 1) * e23y);
        const double df31 = +(gr(t[2], 0) * e31x + gr(t[2], 1) * e31y);
        const double df13 = -(gr(t[0], 0) * e31x + gr(t[0], 1) * e31y);
        Patch& p = patches_[s * ncol + col];
        p.c3000 = f1;
        p.c2100 = (df12 + 3 * p.c3000) / 3;
        p.c2010 = (df13 + 3 * p.c3000) / 3;
        p.c0300 = f2;
        p.c1200 = (df21 + 3 * p.c0300) / 3;
        p.c0210 = (df23 + 3 * p.c0300) / 3;
        p.c0030 = f3;
        p.c1020 = (df31 + 3 * p.c0030) / 3;
        p.c0120 = (df32 + 3 * p.c0030) / 3;
        p.c2001 = (p.c2100 + p.c2010 + p.c3000) / 3;
        p.c0201 = (p.c1200 + p.c0300 + p.c0210) / 3;
        p.c0021 = (p.c1020 + p.c0120 + p.c0030) / 3;
        p.c0111 = (g[0] * (-p.c0300 + 3 * p.c0210 - 3 * p.c0120 + p.c0030) +
                   (-p.c0300 + 2 * p.c0210 - p.c0120 + p.c0021 + p.c0201)) / 2;
        p.c1011 = (g[1] * (-p.c0030 + 3 * p.c1020 - 3 * p.c2010 + p.c3000) +
                   (-p.c0030 + 2 * p.c1020 - p.c2010 + p.c2001 + p.c0021)) / 2;
        p.c1101 = (g[2] * (-p.c3000 + 3 * p.c2100 - 3 * p.c1200 + p.c0300) +
                   (-p.c3000 + 2 * p.c2100 - p.c1200 + p.c2001 + p.c0201)) / 2;
        p.c1002 = (p.c1101 + p.c1011 + p.c2001) / 3;
        p.c0102 = (p.c1101 + p.c0111 + p.c0201) / 3;
        p.c0012 = (p.c1011 + p.c0111 + p.c0021) / 3;
        p.c0003 = (p.c1002 + p.c0102 + p.c0012) / 3;
      }
    }
  }

  /// The cubic of the sub-triangle holding barycentric point `b` (the one whose vertex-coordinate
  /// is smallest is replaced by the centroid coordinate b4 = 3 min b).
  double patch_value(int s, Eigen::Index column, const double b[3]) const {
    const Patch& p = patches_[static_cast<std::size_t>(s) * static_cast<std::size_t>(values_.cols()) +
                              static_cast<std::size_t>(column)];
    double minval = b[0];
    for (int k = 0; k < 3; ++k)
      if (b[k] < minval) minval = b[k];
    const double b1 = b[0] - minval, b2 = b[1] - minval, b3 = b[2] - minval, b4 = 3 * minval;
    return b1 * b1 * b1 * p.c3000 + 3 * (b1 * b1) * b2 * p.c2100 + 3 * (b1 * b1) * b3 * p.c2010 +
           3 * (b1 * b1) * b4 * p.c2001 + 3 * b1 * (b2 * b2) * p.c1200 + 6 * b1 * b2 * b4 * p.c1101 +
           3 * b1 * (b3 * b3) * p.c1020 + 6 * b1 * b3 * b4 * p.c1011 + 3 * b1 * (b4 * b4) * p.c1002 +
           b2 * b2 * b2 * p.c0300 + 3 * (b2 * b2) * b3 * p.c0210 + 3 * (b2 * b2) * b4 * p.c0201 +
           3 * b2 * (b3 * b3) * p.c0120 + 6 * b2 * b3 * b4 * p.c0111 + 3 * b2 * (b4 * b4) * p.c0102 +
           b3 * b3 * b3 * p.c0030 + 3 * (b3 * b3) * b4 * p.c0021 + 3 * b3 * (b4 * b4) * p.c0012 +
           b4 * b4 * b4 * p.c0003;
  }

  // ---- point location (scipy/spatial/_qhull.pyx) ----

  bool fully_outside(const double* p, double eps) const noexcept {
    for (int i = 0; i < 2; ++i)
      if (p[i] < min_[static_cast<std::size_t>(i)] - eps || p[i] > max_[static_cast<std::size_t>(i)] + eps) return true;
    return false;
  }

  double distplane(int s, const double* z) const noexcept {
    const auto& e = tri_.equations[static_cast<std::size_t>(s)];
    double dist = e[3];
    for (int k = 0; k < 3; ++k) dist += e[static_cast<std::size_t>(k)] * z[k];
    return dist;
  }

  /// c_i = sum_j Tinv_ij (x_j - r_j) for i < 2; c_2 = 1 - c_0 - c_1.
  void barycentric(int s, const double* x, double* c) const noexcept {
    const auto& t = tri_.transforms[static_cast<std::size_t>(s)];
    c[2] = 1.0;
    for (int i = 0; i < 2; ++i) {
      c[i] = 0;
      for (int j = 0; j < 2; ++j) c[i] += t[static_cast<std::size_t>(2 * i + j)] * (x[j] - t[static_cast<std::size_t>(4 + j)]);
      c[2] -= c[i];
    }
  }

  bool barycentric_inside(int s, const double* x, double* c, double eps) const noexcept {
    barycentric(s, x, c);
    for (int i = 0; i < 3; ++i)
      if (!(-eps <= c[i] && c[i] <= 1 + eps)) return false;
    return true;
  }

  int find_simplex_directed(const double* x, int& start, double* c, double eps, double eps_broad) const {
    const int nsimplex = static_cast<int>(tri_.simplices.size());
    int s = (start < 0 || start >= nsimplex) ? 0 : start;
    bool found = false;
    for (int cycle = 0; cycle < 1 + nsimplex / 4; ++cycle) {
      if (s == -1) {
        found = true;
        break;
      }
      const auto& t = tri_.transforms[static_cast<std::size_t>(s)];
      int inside = 1;
      for (int k = 0; k < 3; ++k) {
        if (k < 2) {
          c[k] = 0;
          for (int j = 0; j < 2; ++j) c[k] += t[static_cast<std::size_t>(2 * k + j)] * (x[j] - t[static_cast<std::size_t>(4 + j)]);
        } else {
          c[2] = 1.0;
          for (int j = 0; j < 2; ++j) c[2] -= c[j];
        }
        if (c[k] < -eps) {
          const int m = tri_.neighbors[static_cast<std::size_t>(s)][static_cast<std::size_t>(k)];
          if (m == -1) {  // the point is beyond a hull edge
            start = s;
            return -1;
          }
          s = m;
          inside = -1;
          break;
        } else if (c[k] <= 1 + eps) {
          // inside with respect to this edge
        } else {
          inside = 0;  // outside, or NaN coordinates of a degenerate triangle
        }
      }
      if (inside == -1) continue;
      if (inside == 0) s = find_simplex_bruteforce(x, c, eps, eps_broad);
      found = true;
      break;
    }
    if (!found) s = find_simplex_bruteforce(x, c, eps, eps_broad);
    start = s;
    return s;
  }

  int find_simplex_bruteforce(const double* x, double* c, double eps, double eps_broad) const {
    if (fully_outside(x, eps)) return -1;
    const int nsimplex = static_cast<int>(tri_.simplices.size());
    for (int s = 0; s < nsimplex; ++s) {
      const auto& t = tri_.transforms[static_cast<std::size_t>(s)];
      if (t[0] == t[0]) {
        if (barycentric_inside(s, x, c, eps)) return s;
        continue;
      }
      // Degenerate triangle: accept a valid neighbour that (almost) holds the point, with extra
      // leeway towards the degenerate one.
      for (int k = 0; k < 3; ++k) {
        const int nb = tri_.neighbors[static_cast<std::size_t>(s)][static_cast<std::size_t>(k)];
        if (nb == -1) continue;
        if (!(tri_.transforms[static_cast<std::size_t>(nb)][0] == tri_.transforms[static_cast<std::size_t>(nb)][0])) continue;
        barycentric(nb, x, c);
        bool inside = true;
        for (int m = 0; m < 3 && inside; ++m) {
          const double lo = tri_.neighbors[static_cast<std::size_t>(nb)][static_cast<std::size_t>(m)] == s ? -eps_broad : -eps;
          if (!(lo <= c[m] && c[m] <= 1 + eps)) inside = false;
        }
        if (inside) return nb;
      }
    }
    return -1;
  }

  struct Patch {
    double c3000 = 0, c0300 = 0, c0030 = 0, c0003 = 0, c2100 = 0, c2010 = 0, c2001 = 0, c0210 = 0, c0201 = 0,
           c0021 = 0, c1200 = 0, c1020 = 0, c1002 = 0, c0120 = 0, c0102 = 0, c0012 = 0, c1101 = 0, c1011 = 0,
           c0111 = 0;
  };

  Points points_;
  Eigen::MatrixXd values_;
  CloughTocher2DOptions options_;
  detail::Delaunay2D tri_;
  std::array<double, 2> min_{}, max_{};
  std::vector<std::size_t> nb_ptr_;
  std::vector<int> nb_idx_;
  std::vector<Eigen::MatrixX2d> grads_;
  std::vector<int> iterations_;
  std::vector<bool> converged_;
  std::vector<Patch> patches_;
};

}  // namespace sla_planner
