// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// 2-D Delaunay triangulation through reentrant Qhull (libqhull_r; C. B. Barber, D. P. Dobkin and
// H. Huhdanpaa, "The Quickhull algorithm for convex hulls", ACM TOMS 22(4), 1996), reported the way
// scipy.spatial.Delaunay reports it (scipy/spatial/_qhull.pyx): Qhull is run as
// "qhull d Qbb Qc Qz Q12 Qt" on the raw points, the lower-Delaunay facets are listed in Qhull's
// facet-list order, each facet's vertices and neighbours in Qhull's set order with the first two
// swapped for clockwise-oriented facets (so every triangle is counter-clockwise), the lifted facet
// hyperplanes are kept for the paraboloid walk of the point location, and the barycentric
// transforms are computed as LAPACK getrf/gecon/getrs compute them for a 2x2 system.
#pragma once

// Qhull defines short macros (True, False, realT, pointT, dX(), trace0(), ...). When this header is
// the first to include Qhull, they are removed again at its end so that they cannot collide with a
// user's names; code that wants them should include <libqhull_r/libqhull_r.h> before sla_planner.
#ifndef qhDEFlibqhull
#define SLA_PLANNER_DETAIL_UNDEF_QHULL_MACROS
#endif
#include <libqhull_r/libqhull_r.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner::detail {

/// Qhull could not triangulate the input. `qhull_code` is Qhull's message number (e.g. 6154 for
/// "initial simplex is flat", i.e. collinear input), 0 when the message carried none.
class QhullFailure : public std::runtime_error {
public:
  QhullFailure(int exit_code, int qhull_code, const std::string& what)
      : std::runtime_error(what), exit_code_(exit_code), qhull_code_(qhull_code) {}
  int exit_code() const noexcept { return exit_code_; }
  int qhull_code() const noexcept { return qhull_code_; }

private:
  int exit_code_;
  int qhull_code_;
};

/// A 2-D Delaunay triangulation in scipy.spatial.Delaunay's form.
struct Delaunay2D {
  std::vector<std::array<int, 3>> simplices;       ///< point indices, counter-clockwise
  std::vector<std::array<int, 3>> neighbors;       ///< k-th neighbour opposite vertex k; -1 on the hull
  std::vector<std::array<double, 4>> equations;    ///< lifted facet plane: normal (3) and offset
  std::vector<std::array<double, 6>> transforms;   ///< T^-1 (row-major 2x2) then r (the third vertex); NaN if degenerate
  std::vector<int> coplanar;                       ///< input points Qhull left out of the triangulation (Qc)
  double paraboloid_scale = 1.0;                   ///< scale of the lifted coordinate (Qbb)
  double paraboloid_shift = 0.0;                   ///< shift of the lifted coordinate (Qbb)
};

/// Owner of one reentrant Qhull context (qhT) and the in-memory stream that collects Qhull's
/// messages, so that nothing is printed. Each instance is independent; no global state is used.
class QhullHandle {
public:
  QhullHandle() : qh_(new qhT) {
    err_ = ::open_memstream(&err_buf_, &err_len_);
    qh_zero(qh_.get(), err_);
  }
  QhullHandle(const QhullHandle&) = delete;
  QhullHandle& operator=(const QhullHandle&) = delete;
  ~QhullHandle() {
    if (ran_) {
      qh_freeqhull(qh_.get(), /*allmem=*/0);  // long memory; short memory next
      int curlong = 0, totlong = 0;
      qh_memfreeshort(qh_.get(), &curlong, &totlong);
    }
    if (err_) std::fclose(err_);
    std::free(err_buf_);
  }

  qhT* get() noexcept { return qh_.get(); }

  /// Runs Qhull with `command` (which must start with "qhull ") on `n` points of dimension `dim`.
  /// Qhull copies the points (it lifts them for Delaunay), so `points` need not outlive the call.
  /// \throws QhullFailure carrying Qhull's first message line
  void run(const char* command, int dim, int n, double* points) {
    std::string cmd(command);
    ran_ = true;
    const int rc = qh_new_qhull(qh_.get(), dim, n, points, /*ismalloc=*/0, cmd.data(), nullptr, err_);
    if (rc != 0) {
      std::string msg = messages();
      const auto eol = msg.find('\n');
      if (eol != std::string::npos) msg.resize(eol);
      int code = 0;
      if (msg.size() > 6 && msg.compare(0, 2, "QH") == 0) code = std::atoi(msg.c_str() + 2);
      if (msg.empty()) msg = "Qhull failed with exit code " + std::to_string(rc);
      throw QhullFailure(rc, code, msg);
    }
  }

  /// Everything Qhull wrote to its error stream so far.
  std::string messages() {
    if (!err_) return {};
    std::fflush(err_);
    return err_buf_ ? std::string(err_buf_, err_len_) : std::string();
  }

private:
  std::unique_ptr<qhT> qh_;
  FILE* err_ = nullptr;
  char* err_buf_ = nullptr;
  std::size_t err_len_ = 0;
  bool ran_ = false;
};

/// Barycentric transform of the triangle (p0, p1, p2) exactly as SciPy's
/// _get_barycentric_transforms computes it: T_ij = (p_j - p_2)_i, LU with partial pivoting
/// (getrf), reciprocal condition number in the 1-norm (gecon; computed exactly here, the 2x2
/// estimate being exact up to rounding), degenerate when rcond < 1000 eps, then T^-1 by getrs.
/// Returns {Tinv00, Tinv01, Tinv10, Tinv11, r0, r1}; the first four are NaN when degenerate.
inline std::array<double, 6> barycentric_transform(const double* p0, const double* p1, const double* p2) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::array<double, 6> out{nan, nan, nan, nan, p2[0], p2[1]};
  // LAPACK sees A = T^T (column-major view of the row-major T): row r of A is p_r - p_2.
  double a00 = p0[0] - p2[0], a01 = p0[1] - p2[1];
  double a10 = p1[0] - p2[0], a11 = p1[1] - p2[1];
  const double anorm = std::max(std::fabs(a00) + std::fabs(a10), std::fabs(a01) + std::fabs(a11));
  // ||A^-1||_1 = max column sum of adj(A) / |det A|.
  const double adj_norm = std::max(std::fabs(a11) + std::fabs(a10), std::fabs(a01) + std::fabs(a00));
  // getrf: pivot on the first column (first maximum wins), scale by the reciprocal of the pivot.
  bool swapped = false;
  if (std::fabs(a10) > std::fabs(a00)) {
    std::swap(a00, a10);
    std::swap(a01, a11);
    swapped = true;
  }
  if (a00 == 0.0) return out;
  const double l10 = a10 * (1.0 / a00);
  const double u11 = a11 - l10 * a01;
  if (u11 == 0.0) return out;
  const double det = std::fabs(a00 * u11);
  const double rcond = (anorm > 0.0 && adj_norm > 0.0) ? det / (anorm * adj_norm) : 0.0;
  if (!(rcond >= 1000.0 * std::numeric_limits<double>::epsilon())) return out;
  // getrs: solve A X = I column by column (row swap, unit-lower forward, upper backward).
  double x[2][2];
  for (int j = 0; j < 2; ++j) {
    double b0 = (j == 0) ? 1.0 : 0.0, b1 = (j == 1) ? 1.0 : 0.0;
    if (swapped) std::swap(b0, b1);
    if (b0 != 0.0) b1 -= b0 * l10;
    if (b1 != 0.0) {
      b1 /= u11;
      b0 -= b1 * a01;
    }
    if (b0 != 0.0) b0 /= a00;
    x[0][j] = b0;
    x[1][j] = b1;
  }
  // X is written column-major over the row-major Tinv, i.e. Tinv_ij = X_ji; and Tinv = T^-1.
  out[0] = x[0][0];
  out[1] = x[1][0];
  out[2] = x[0][1];
  out[3] = x[1][1];
  return out;
}

/// Delaunay triangulation of `n` points `xy` (row-major n x 2) by Qhull with SciPy's options
/// "Qbb Qc Qz Q12 Qt", in scipy.spatial.Delaunay's form (see the file header).
/// \throws QhullFailure when Qhull fails (fewer than 3 points, collinear or identical points, ...)
inline Delaunay2D qhull_delaunay_2d(const double* xy, int n) {
  std::vector<double> pts(xy, xy + 2 * static_cast<std::size_t>(n));
  QhullHandle handle;
  handle.run("qhull d Qbb Qc Qz Q12 Qt", 2, n, pts.data());
  qhT* qh = handle.get();
  if (!qh->hasTriangulation) qh_triangulate(qh);

  Delaunay2D d;
  if (qh->SCALElast) {
    d.paraboloid_scale = qh->last_newhigh / (qh->last_high - qh->last_low);
    d.paraboloid_shift = -qh->last_low * d.paraboloid_scale;
  }
  // Number the lower-Delaunay facets in facet-list order.
  std::vector<int> id_map(qh->facet_id, -1);
  int count = 0;
  for (facetT* f = qh->facet_list; f && f->next; f = f->next) {
    if (f->upperdelaunay != qh->UPPERdelaunay) continue;
    if (qh_setsize(qh, f->vertices) != 3 || qh_setsize(qh, f->neighbors) != 3)
      throw QhullFailure(0, 0, "Qhull returned a non-simplicial facet with " +
                                   std::to_string(qh_setsize(qh, f->vertices)) + " vertices");
    id_map[f->id] = count++;
  }
  d.simplices.resize(static_cast<std::size_t>(count));
  d.neighbors.resize(static_cast<std::size_t>(count));
  d.equations.resize(static_cast<std::size_t>(count));
  int j = 0;
  for (facetT* f = qh->facet_list; f && f->next; f = f->next) {
    if (f->upperdelaunay != qh->UPPERdelaunay) continue;
    const bool swap = f->toporient == qh_ORIENTclock;
    for (int i = 0; i < 3; ++i) {
      const int slot = (swap && i < 2) ? (1 ^ i) : i;
      const auto* v = static_cast<vertexT*>(SETelem_(f->vertices, i));
      const int id = qh_pointid(qh, v->point);
      if (id < 0 || id >= n) throw QhullFailure(0, 0, "Qhull returned a facet through the point at infinity");
      d.simplices[j][slot] = id;
      const auto* nb = static_cast<facetT*>(SETelem_(f->neighbors, i));
      d.neighbors[j][slot] = id_map[nb->id];
    }
    for (int i = 0; i < 3; ++i) d.equations[j][i] = f->normal[i];
    d.equations[j][3] = f->offset;
    if (f->coplanarset)
      for (int i = 0; i < qh_setsize(qh, f->coplanarset); ++i)
        d.coplanar.push_back(qh_pointid(qh, static_cast<pointT*>(SETelem_(f->coplanarset, i))));
    ++j;
  }
  d.transforms.resize(d.simplices.size());
  for (std::size_t s = 0; s < d.simplices.size(); ++s) {
    const auto& t = d.simplices[s];
    d.transforms[s] = barycentric_transform(xy + 2 * t[0], xy + 2 * t[1], xy + 2 * t[2]);
  }
  return d;
}

}  // namespace sla_planner::detail

#ifdef SLA_PLANNER_DETAIL_UNDEF_QHULL_MACROS
#undef COUNTmax
#undef DEFcountT
#undef DEFqhT
#undef DEFqhstatT
#undef DEFsetT
#undef False
#undef MAYdebugx
#undef MSG_ERROR
#undef MSG_FIX
#undef MSG_MAXLEN
#undef MSG_OUTPUT
#undef MSG_QHULL_ERROR
#undef MSG_STDERR
#undef MSG_TRACE0
#undef MSG_TRACE1
#undef MSG_TRACE2
#undef MSG_TRACE3
#undef MSG_TRACE4
#undef MSG_TRACE5
#undef MSG_WARNING
#undef True
#undef boolT
#undef coordT
#undef dW
#undef dX
#undef dY
#undef dZ
#undef det2_
#undef det3_
#undef fabs_
#undef flagT
#undef fmax_
#undef fmin_
#undef getid_
#undef maximize_
#undef minimize_
#undef otherfacet_
#undef pointT
#undef realT
#undef trace0
#undef trace1
#undef trace2
#undef trace3
#undef trace4
#undef trace5
#undef wadd_
#undef wmax_
#undef wmin_
#undef wval_
#undef wwadd_
#undef wwmax_
#undef wwval_
#undef zadd_
#undef zdef_
#undef zinc_
#undef zmax_
#undef zmin_
#undef zval_
#undef zzadd_
#undef zzdef_
#undef zzinc_
#undef zzval_
#undef SLA_PLANNER_DETAIL_UNDEF_QHULL_MACROS
#endif
