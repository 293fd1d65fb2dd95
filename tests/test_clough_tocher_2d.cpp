// CloughTocher2D: SciPy parity on a small case, linear precision, hull handling, errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <thread>

#include "sla_planner/interp/clough_tocher_2d.hpp"

using namespace sla_planner;

namespace {
// Seven scattered points; values f(x, y) = sin(2x) + y^2 - x y.
CloughTocher2D::Points small_points() {
  CloughTocher2D::Points p(7, 2);
  p << 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.3, 0.6, 0.7, 0.2, 0.5, 1.3;
  return p;
}
Eigen::VectorXd small_values() {
  const auto p = small_points();
  Eigen::VectorXd v(p.rows());
  for (Eigen::Index i = 0; i < p.rows(); ++i) v(i) = std::sin(2 * p(i, 0)) + p(i, 1) * p(i, 1) - p(i, 0) * p(i, 1);
  return v;
}
}  // namespace

TEST_CASE("CloughTocher2D matches scipy.interpolate.CloughTocher2DInterpolator on a small case") {
  const CloughTocher2D ct(small_points(), small_values());
  // scipy.spatial.Delaunay(points).simplices / .neighbors (SciPy 1.10.1, Qhull "Qbb Qc Qz Q12 Qt").
  const std::vector<std::array<int, 3>> simplices = {{4, 2, 0}, {2, 4, 6}, {4, 3, 6}, {3, 5, 1},
                                                     {5, 3, 4}, {1, 5, 0}, {5, 4, 0}};
  const std::vector<std::array<int, 3>> neighbors = {{-1, 6, 1}, {2, -1, 0}, {-1, 1, 4}, {5, -1, 4},
                                                     {2, 6, 3},  {6, -1, 3}, {0, 5, 4}};
  CHECK(ct.simplices() == simplices);
  CHECK(ct.neighbors() == neighbors);

  // ip.grad[:, 0, :] (estimate_gradients_2d_global, tol 1e-6, maxiter 400).
  const double grad[7][2] = {{1.2999965458037481, 0.7123080371147439},   {0.22033554624059534, 0.07989037261895009},
                             {1.0710263869639545, 1.4302717114010677},   {-1.233141709740375, 0.4983689936342743},
                             {0.6510935923102704, 0.8408495299653531},   {0.5708704247668277, 0.22859335316193954},
                             {-0.3061897543473674, 2.5027766636107063}};
  for (int i = 0; i < 7; ++i)
    for (int k = 0; k < 2; ++k) CHECK(ct.gradients()(i, k) == Approx(grad[i][k]).epsilon(1e-12));
  CHECK(ct.gradient_status() == FitStatus::Success);

  // ip(Q): inside, at a data point, on interior and hull edges, and just outside the hull.
  struct Q {
    double x, y, v;
  };
  const Q q[] = {{0.5, 0.5, 0.8235166834649379},  {0.25, 0.1, 0.39711103070131015}, {0.9, 0.8, 0.9389544718090649},
                 {0.3, 0.6, 0.7446424733950354},  {0.5, 0.0, 0.589606338358235},   {0.0, 0.5, 0.4102545407142095},
                 {0.75, 1.15, 1.3781534154047361}, {0.5, 1.3, 1.8814709848078968}};
  for (const auto& p : q) {
    INFO("(" << p.x << ", " << p.y << ")");
    CHECK(ct(p.x, p.y) == Approx(p.v).epsilon(1e-12));
  }
  for (const auto& p : std::vector<std::pair<double, double>>{{1.01, 0.5}, {-1e-3, 0.5}, {0.5, 1.31}, {0.2, 1.2}})
    CHECK(std::isnan(ct(p.first, p.second)));
}

TEST_CASE("CloughTocher2D reproduces linear data, exactly once the gradients are converged") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  CloughTocher2D::Points pts(40, 2);
  Eigen::VectorXd v(40);
  for (int i = 0; i < 40; ++i) {
    pts(i, 0) = u(rng);
    pts(i, 1) = 1000 * u(rng);  // anisotropic, like (kv_usage, context length)
    v(i) = 3 * pts(i, 0) - 0.002 * pts(i, 1) + 1;
  }
  // The Clough-Tocher patch reproduces a plane exactly when the vertex gradients are the plane's;
  // the gradients are the fixed point of Nielson's iteration, reached up to `tol`.
  CloughTocher2DOptions tight;
  tight.tol = 1e-14;
  tight.maxiter = 1000;
  const CloughTocher2D exact(pts, v, tight);
  const CloughTocher2D loose(pts, v);  // SciPy's tol 1e-6
  CHECK(exact.gradient_status() == FitStatus::Success);
  CHECK(loose.gradient_status() == FitStatus::Success);
  for (int i = 0; i < 40; ++i) {
    CHECK(exact.gradients()(i, 0) == Approx(3).epsilon(1e-12));
    CHECK(exact.gradients()(i, 1) == Approx(-0.002).epsilon(1e-10));
  }
  int inside = 0;
  double worst_exact = 0, worst_loose = 0;
  for (int k = 0; k < 2000; ++k) {
    const double x = u(rng), y = 1000 * u(rng);
    const double w = exact(x, y);
    if (std::isnan(w)) {
      CHECK(std::isnan(loose(x, y)));
      continue;
    }
    ++inside;
    const double plane = 3 * x - 0.002 * y + 1;
    worst_exact = std::max(worst_exact, std::fabs(w - plane));
    worst_loose = std::max(worst_loose, std::fabs(loose(x, y) - plane));
  }
  CHECK(inside > 1500);
  CHECK(worst_exact < 1e-12);
  CHECK(worst_loose < 1e-6);
  // At the data points the interpolant takes the data values.
  for (int i = 0; i < 40; ++i) CHECK(loose(pts(i, 0), pts(i, 1)) == Approx(v(i)).epsilon(1e-12));
}

TEST_CASE("CloughTocher2D is NaN outside the convex hull and finite on its boundary") {
  CloughTocher2D::Points square(4, 2);
  square << 0, 0, 2, 0, 2, 1, 0, 1;
  Eigen::VectorXd v(4);
  v << 1, 2, 3, 4;
  const CloughTocher2D ct(square, v);
  CHECK(ct.domain().first == std::array<double, 2>{0, 0});
  CHECK(ct.domain().second == std::array<double, 2>{2, 1});
  for (double x : {0.0, 0.5, 1.0, 2.0}) {
    CHECK(std::isfinite(ct(x, 0.0)));
    CHECK(std::isfinite(ct(x, 1.0)));
  }
  // Within SciPy's tolerance (100 DBL_EPSILON) of the hull: still inside.
  CHECK(std::isfinite(ct(1.0, -1e-15)));
  CHECK(std::isnan(ct(1.0, -1e-9)));
  CHECK(std::isnan(ct(2.5, 0.5)));
  CHECK(std::isnan(ct(-0.1, 0.5)));
  CHECK(std::isnan(ct(std::nan(""), 0.5)));
}

TEST_CASE("CloughTocher2D: several value columns share the triangulation; batch equals single calls") {
  const auto pts = small_points();
  Eigen::MatrixXd two(7, 2);
  two.col(0) = small_values();
  two.col(1) = 2 * small_values().array() + 5;
  const CloughTocher2D both(pts, two);
  const CloughTocher2D one(pts, small_values());
  CHECK(both.columns() == 2);
  CloughTocher2D::Points q(5, 2);
  q << 0.5, 0.5, 0.9, 0.8, 0.25, 0.1, 2.0, 2.0, 0.75, 1.15;
  const Eigen::MatrixXd r = both.evaluate(q);
  for (Eigen::Index i = 0; i < q.rows(); ++i) {
    const double single = one(q(i, 0), q(i, 1));
    if (std::isnan(single)) {
      CHECK(std::isnan(r(i, 0)));
      CHECK(std::isnan(r(i, 1)));
      continue;
    }
    CHECK(r(i, 0) == Approx(single).epsilon(1e-14));
    CHECK(r(i, 1) == Approx(2 * single + 5).epsilon(1e-12));  // linear in the data
    CHECK(both(q(i, 0), q(i, 1), 1) == Approx(r(i, 1)).epsilon(1e-14));
  }
}

TEST_CASE("CloughTocher2D: const evaluation is safe from several threads") {
  const CloughTocher2D ct(small_points(), small_values());
  std::vector<double> expected(200), got(4 * 200);
  for (int k = 0; k < 200; ++k) expected[static_cast<std::size_t>(k)] = ct(k / 200.0, 1.3 * k / 200.0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 200; ++k) got[static_cast<std::size_t>(t * 200 + k)] = ct(k / 200.0, 1.3 * k / 200.0);
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t)
    for (int k = 0; k < 200; ++k) {
      const double a = expected[static_cast<std::size_t>(k)], b = got[static_cast<std::size_t>(t * 200 + k)];
      CHECK((a == b || (std::isnan(a) && std::isnan(b))));
    }
}

TEST_CASE("CloughTocher2D: bad input and degenerate point sets") {
  CloughTocher2D::Points line(4, 2);
  line << 0, 0, 1, 1, 2, 2, 3, 3;
  Eigen::VectorXd v4(4);
  v4 << 1, 2, 3, 4;
  CHECK_THROWS_AS(CloughTocher2D(line, v4), TriangulationError);
  CHECK_THROWS_WITH(CloughTocher2D(line, v4), "the 4 points are collinear (they span a line or a point); cannot triangulate");
  try {
    CloughTocher2D bad(line, v4);
  } catch (const TriangulationError& e) {
    CHECK(e.collinear());
  }
  CloughTocher2D::Points same(3, 2);
  same << 1, 1, 1, 1, 1, 1;
  CHECK_THROWS_WITH(CloughTocher2D(same, Eigen::VectorXd::Ones(3)),
                    "the 3 points are collinear (they span a line or a point); cannot triangulate");
  CloughTocher2D::Points two(2, 2);
  two << 0, 0, 1, 0;
  CHECK_THROWS_WITH(CloughTocher2D(two, Eigen::VectorXd::Ones(2)), "cannot triangulate 2 points (need at least 3)");
  CHECK_THROWS_WITH(CloughTocher2D(small_points(), Eigen::VectorXd::Ones(6)), "CloughTocher2D: 7 points but 6 values");
  Eigen::VectorXd nan_values = small_values();
  nan_values(3) = std::nan("");
  CHECK_THROWS_WITH(CloughTocher2D(small_points(), nan_values), "CloughTocher2D: value (3, 0) = nan is not finite");
  CloughTocher2DOptions o;
  o.tol = 0;
  CHECK_THROWS_WITH(CloughTocher2D(small_points(), small_values(), o), "'tol' must be a positive number, got 0");
  o = {};
  o.maxiter = 0;
  CHECK_THROWS_WITH(o.validate(), "'maxiter' must be >= 1, got 0");
  // One sweep does not converge on curved data: reported as a status, not an error.
  o.maxiter = 1;
  const CloughTocher2D rough(small_points(), small_values(), o);
  CHECK(rough.gradient_status() == FitStatus::NotConverged);
  CHECK(rough.gradient_iterations() == 1);
  CHECK(std::isfinite(rough(0.5, 0.5)));
}

TEST_CASE("CloughTocher2D: duplicate points are left out of the triangulation, as Qhull's Qc does") {
  CloughTocher2D::Points pts(6, 2);
  pts << 0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5, 0.5, 0.5;
  Eigen::VectorXd v(6);
  v << 0, 1, 1, 2, 1, 1;  // x + y
  const CloughTocher2D ct(pts, v);
  CHECK(ct.simplices().size() == 4);
  CHECK(ct(0.25, 0.5) == Approx(0.75).epsilon(1e-6));
}

TEST_CASE("CloughTocher2D: a located hint gives the same value, bit for bit, as the search from triangle 0") {
  const CloughTocher2D ct(small_points(), small_values());
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-0.1, 1.4), step(-0.02, 0.02);
  int hint = -1, reused = 0;
  double x = 0.5, y = 0.5;
  for (int i = 0; i < 20000; ++i) {
    // A walk (the hint's use: points that move little) with a jump now and then.
    if (i % 500 == 0) x = u(rng), y = u(rng);
    x += step(rng);
    y += step(rng);
    const int before = hint;
    const double hinted = ct(x, y, 0, hint);
    const double plain = ct(x, y, 0);
    INFO("x " << x << ", y " << y);
    if (std::isnan(plain)) {
      CHECK(std::isnan(hinted));
      CHECK(hint == -1);
    } else {
      CHECK(hinted == plain);
      CHECK(hint >= 0);
    }
    reused += before >= 0 && before == hint;
  }
  CHECK(reused > 4000);  // the hint was used (a quarter of the walk is outside the hull)
  // Points on an edge and at a vertex are found by the search, not the hint.
  hint = 0;
  CHECK(ct(0.0, 0.0, 0, hint) == ct(0.0, 0.0, 0));
  CHECK(ct(0.5, 0.0, 0, hint) == ct(0.5, 0.0, 0));
  hint = 12345;  // out of range: searched
  CHECK(ct(0.4, 0.4, 0, hint) == ct(0.4, 0.4, 0));
}
