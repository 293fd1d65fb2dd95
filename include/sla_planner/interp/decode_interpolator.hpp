// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Decode ITL (ms) and throughput/GPU as functions of active KV usage and context length — the
// semantics of NVIDIA Dynamo's DecodeInterpolator (components/planner/.../perf_interpolation.py):
// scipy.interpolate.griddata(method="cubic") (a Clough–Tocher interpolant on the Qhull Delaunay
// triangulation of the raw points, see clough_tocher_2d.hpp) sampled on a resolution x resolution
// grid over kv_usage in linspace(0, 1) and context in linspace(0, max context), grid nodes outside
// the convex hull taking the value of the nearest data point (griddata(method="nearest")); lookups
// round to the nearest node with NumPy's round-half-to-even and clip to the grid.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sla_planner/util/data_error.hpp"
#include "sla_planner/interp/clough_tocher_2d.hpp"
#include "sla_planner/interp/decode_operating_point.hpp"
#include "sla_planner/profile/decode_profile.hpp"

namespace sla_planner {

/// How DecodeInterpolator answers queries.
enum class DecodeMode {
  /// Dynamo's behaviour: every answer is a node of the precomputed grid (kv_usage in steps of
  /// 1/(resolution-1)), found by rounding half to even and clipping.
  Reference,
  /// Beyond the reference: the interpolant is evaluated at the query itself (nearest data point
  /// outside the hull, the domain clamped to the grid's), and find_best_throughput_per_gpu searches
  /// kv_usage continuously — a scan at 8x the grid density from kv_usage 1 down, then bisection of
  /// the first feasible step to 1e-12.
  Exact,
};

/// Options of DecodeInterpolator (LBFGSpp Param.h style: defaults in class, one validate()).
struct DecodeInterpolatorOptions {
  /// Grid nodes per axis (kv_usage and context length). Dynamo uses 100.
  int resolution = 100;
  /// Reference (grid lookups, Dynamo's numbers) or Exact (the interpolant at the query).
  DecodeMode mode = DecodeMode::Reference;

  /// \throws std::invalid_argument "'resolution' must be >= 2, got 1"
  void validate() const {
    if (resolution < 2) throw std::invalid_argument("'resolution' must be >= 2, got " + std::to_string(resolution));
    if (resolution > 100000)
      throw std::invalid_argument("'resolution' must be <= 100000, got " + std::to_string(resolution));
    if (mode != DecodeMode::Reference && mode != DecodeMode::Exact)
      throw std::invalid_argument("'mode' must be Reference or Exact, got " + std::to_string(static_cast<int>(mode)));
  }
};

/// Grid node of a lookup: column (kv_usage axis) and row (context-length axis).
struct DecodeGridIndex {
  int kv = 0;       ///< kv_usage index, 0..resolution-1
  int context = 0;  ///< context-length index, 0..resolution-1
};

/// Build once from a DecodeProfile, then query ITL (ms) and throughput (tokens/s/GPU) at a
/// (concurrency, context length) or the best throughput under an ITL target. Grids are
/// row = context-length index, column = kv_usage index. Const member functions are safe to call
/// concurrently; the constructor does no I/O.
class DecodeInterpolator {
public:
  using Grid = Eigen::MatrixXd;

  /// \throws DataError naming the profile's source when the data is invalid or the points are
  ///         collinear; std::invalid_argument when the options are invalid
  explicit DecodeInterpolator(const DecodeProfile& profile, DecodeInterpolatorOptions options = {})
      : options_(validated(options)), max_kv_tokens_(profile.max_kv_tokens), interp_(build(profile)) {
    const int res = options_.resolution;
    kv_axis_ = linspace(0.0, 1.0, res);
    max_context_ = *std::max_element(profile.context_length.begin(), profile.context_length.end());
    context_axis_ = linspace(0.0, max_context_, res);
    build_grids();
  }

  /// Grid indices of (concurrency, context): kv_usage = concurrency x context / max_kv_tokens,
  /// index = round_half_even((v - axis[0]) / (axis[1] - axis[0])) clipped to [0, resolution-1].
  DecodeGridIndex compute_idx(double concurrency, double context_length) const noexcept {
    const double kv_usage = concurrency * context_length / max_kv_tokens_;
    return {axis_index(kv_axis_, kv_usage), axis_index(context_axis_, context_length)};
  }

  /// ITL in milliseconds at `concurrency` requests of `context_length` tokens.
  double interpolate_itl_ms(double concurrency, double context_length) const {
    return lookup(0, concurrency, context_length);
  }
  /// Decode throughput in tokens/s/GPU at `concurrency` requests of `context_length` tokens.
  double interpolate_thpt_per_gpu(double concurrency, double context_length) const {
    return lookup(1, concurrency, context_length);
  }

  /// The highest-throughput operating point at `context_length` whose ITL is <= `itl_ms`.
  /// Reference: scans the context row from kv index resolution-1 down and returns the first node
  /// with ITL <= target, else the kv = 0 node (ITL need not be monotonic, so no binary search).
  /// Exact: see DecodeMode::Exact.
  DecodeOperatingPoint find_best_throughput_per_gpu(double itl_ms, double context_length) const {
    if (options_.mode == DecodeMode::Exact) return find_best_exact(itl_ms, context_length);
    const int iy = axis_index(context_axis_, context_length);
    const int res = options_.resolution;
    for (int ix = res - 1; ix >= 0; --ix)
      if (itl_grid_(iy, ix) <= itl_ms) return {thpt_grid_(iy, ix), itl_grid_(iy, ix), kv_axis_[static_cast<std::size_t>(ix)], ix, iy};
    return {thpt_grid_(iy, 0), itl_grid_(iy, 0), kv_axis_[0], 0, iy};
  }

  /// KV-cache capacity of one engine (tokens).
  double max_kv_tokens() const noexcept { return max_kv_tokens_; }
  /// Largest profiled context length (the end of the context axis).
  double max_context_length() const noexcept { return max_context_; }
  const DecodeInterpolatorOptions& options() const noexcept { return options_; }
  /// kv_usage axis: linspace(0, 1, resolution) (grid columns).
  const std::vector<double>& kv_usage_axis() const noexcept { return kv_axis_; }
  /// Context-length axis: linspace(0, max context, resolution) (grid rows).
  const std::vector<double>& context_length_axis() const noexcept { return context_axis_; }
  /// ITL grid (milliseconds), row = context index, column = kv_usage index.
  const Grid& itl_ms_grid() const noexcept { return itl_grid_; }
  /// Throughput grid (tokens/s/GPU), row = context index, column = kv_usage index.
  const Grid& thpt_per_gpu_grid() const noexcept { return thpt_grid_; }
  /// The underlying interpolant (column 0: ITL ms, column 1: throughput/GPU) over (kv_usage, context).
  const CloughTocher2D& interpolant() const noexcept { return interp_; }

  /// ITL (ms) and throughput of the interpolant at (kv_usage, context_length) themselves, the
  /// point clamped into the grid's domain and taking the nearest data point's values outside the
  /// convex hull — the grid's construction rule, applied off the grid. Used by Exact mode.
  std::pair<double, double> evaluate_exact(double kv_usage, double context_length) const {
    const double x = clamp(kv_usage, kv_axis_.front(), kv_axis_.back());
    const double y = clamp(context_length, context_axis_.front(), context_axis_.back());
    double itl = interp_(x, y, 0), thpt = interp_(x, y, 1);
    if (std::isnan(itl) || std::isnan(thpt)) {
      const Eigen::Index j = nearest_point(x, y);
      if (std::isnan(itl)) itl = interp_.values()(j, 0);
      if (std::isnan(thpt)) thpt = interp_.values()(j, 1);
    }
    return {itl, thpt};
  }
  /// The ITL half of evaluate_exact alone (the same value; half the work: one point location and
  /// one patch instead of two). The simulator's decode step time.
  double itl_exact(double kv_usage, double context_length) const {
    int hint = -1;
    return itl_exact(kv_usage, context_length, hint);
  }
  /// The same value, located from the triangle of the previous call (`hint`, start at -1): for
  /// callers whose points move little, such as the simulator's successive decode steps.
  double itl_exact(double kv_usage, double context_length, int& hint) const {
    const double x = clamp(kv_usage, kv_axis_.front(), kv_axis_.back());
    const double y = clamp(context_length, context_axis_.front(), context_axis_.back());
    const double itl = interp_(x, y, 0, hint);
    return std::isnan(itl) ? interp_.values()(nearest_point(x, y), 0) : itl;
  }

private:
  static DecodeInterpolatorOptions validated(const DecodeInterpolatorOptions& o) {
    o.validate();
    return o;
  }

  static CloughTocher2D build(const DecodeProfile& p) {
    p.validate();
    const Eigen::Index n = static_cast<Eigen::Index>(p.kv_usage.size());
    CloughTocher2D::Points pts(n, 2);
    Eigen::MatrixXd vals(n, 2);
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      pts(i, 0) = p.kv_usage[k];
      pts(i, 1) = p.context_length[k];
      vals(i, 0) = p.itl_ms[k];
      vals(i, 1) = p.thpt_per_gpu[k];
    }
    try {
      return CloughTocher2D(std::move(pts), std::move(vals));
    } catch (const TriangulationError& e) {
      if (e.collinear())
        throw DataError(p.source + ": decode points are collinear (x_kv_usage, y_context_length span a line); cannot triangulate");
      throw DataError(p.source + ": decode points cannot be triangulated (" + e.what() + ")");
    }
  }

  /// numpy.linspace(start, stop, num): start + i*step, the last node exactly `stop`.
  static std::vector<double> linspace(double start, double stop, int num) {
    std::vector<double> v(static_cast<std::size_t>(num));
    const int div = num - 1;
    const double delta = stop - start;
    const double step = delta / div;
    for (int i = 0; i < num; ++i)
      v[static_cast<std::size_t>(i)] = (step == 0 ? (static_cast<double>(i) / div) * delta : i * step) + start;
    v.back() = stop;
    return v;
  }

  /// numpy.round (half to even) of x, independent of the floating-point environment.
  static double round_half_even(double x) noexcept {
    const double f = std::floor(x);
    const double d = x - f;
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f;
    return std::fmod(f, 2.0) == 0 ? f : f + 1;
  }

  static double clamp(double v, double lo, double hi) noexcept { return v < lo ? lo : (v > hi ? hi : v); }

  int axis_index(const std::vector<double>& axis, double v) const noexcept {
    const double r = round_half_even((v - axis[0]) / (axis[1] - axis[0]));
    const double hi = options_.resolution - 1;
    if (!(r >= 0)) return 0;  // also NaN (zero-width axis): the first node
    return static_cast<int>(r > hi ? hi : r);
  }

  double lookup(int column, double concurrency, double context_length) const {
    if (options_.mode == DecodeMode::Exact) {
      const auto v = evaluate_exact(concurrency * context_length / max_kv_tokens_, context_length);
      return column == 0 ? v.first : v.second;
    }
    const DecodeGridIndex idx = compute_idx(concurrency, context_length);
    return column == 0 ? itl_grid_(idx.context, idx.kv) : thpt_grid_(idx.context, idx.kv);
  }

  /// Index of the data point nearest to (x, y) in raw coordinates (squared distance summed as
  /// SciPy's KD-tree sums it); ties go to the lowest index.
  Eigen::Index nearest_point(double x, double y) const noexcept {
    const auto& p = interp_.points();
    Eigen::Index best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
      const double dx = p(i, 0) - x, dy = p(i, 1) - y;
      const double d = dx * dx + dy * dy;
      if (d < best_d) {
        best_d = d;
        best = i;
      }
    }
    return best;
  }

  /// Evaluates the interpolant at every node in row-major order (SciPy's meshgrid order, so the
  /// point location walks the same way), then fills NaN nodes from the nearest data point.
  void build_grids() {
    const int res = options_.resolution;
    CloughTocher2D::Points nodes(static_cast<Eigen::Index>(res) * res, 2);
    for (int iy = 0; iy < res; ++iy)
      for (int ix = 0; ix < res; ++ix) {
        const Eigen::Index r = static_cast<Eigen::Index>(iy) * res + ix;
        nodes(r, 0) = kv_axis_[static_cast<std::size_t>(ix)];
        nodes(r, 1) = context_axis_[static_cast<std::size_t>(iy)];
      }
    const Eigen::MatrixXd v = interp_.evaluate(nodes);
    itl_grid_.resize(res, res);
    thpt_grid_.resize(res, res);
    const auto& data = interp_.values();
    for (int iy = 0; iy < res; ++iy)
      for (int ix = 0; ix < res; ++ix) {
        const Eigen::Index r = static_cast<Eigen::Index>(iy) * res + ix;
        double itl = v(r, 0), thpt = v(r, 1);
        if (std::isnan(itl) || std::isnan(thpt)) {
          const Eigen::Index j = nearest_point(nodes(r, 0), nodes(r, 1));
          if (std::isnan(itl)) itl = data(j, 0);
          if (std::isnan(thpt)) thpt = data(j, 1);
        }
        itl_grid_(iy, ix) = itl;
        thpt_grid_(iy, ix) = thpt;
      }
  }

  DecodeOperatingPoint find_best_exact(double itl_ms, double context_length) const {
    const double ctx = clamp(context_length, context_axis_.front(), context_axis_.back());
    const int steps = 8 * (options_.resolution - 1);
    auto itl_at = [&](double kv) { return evaluate_exact(kv, ctx).first; };
    double hi_kv = 1.0;  // a kv_usage known to miss the target (once the scan has moved)
    for (int k = steps; k >= 0; --k) {
      const double kv = static_cast<double>(k) / steps;
      if (!(itl_at(kv) <= itl_ms)) {
        hi_kv = kv;
        continue;
      }
      double lo = kv;
      if (k < steps) {  // the target is crossed in (lo, hi_kv]: bisect
        double hi = hi_kv;
        while (hi - lo > 1e-12) {
          const double mid = 0.5 * (lo + hi);
          if (itl_at(mid) <= itl_ms) lo = mid;
          else hi = mid;
        }
      }
      const auto v = evaluate_exact(lo, ctx);
      return {v.second, v.first, lo, -1, -1};
    }
    const auto v = evaluate_exact(0.0, ctx);
    return {v.second, v.first, 0.0, -1, -1};
  }

  DecodeInterpolatorOptions options_;
  double max_kv_tokens_;
  CloughTocher2D interp_;
  double max_context_ = 0;
  std::vector<double> kv_axis_, context_axis_;
  Grid itl_grid_, thpt_grid_;
};

}  // namespace sla_planner
