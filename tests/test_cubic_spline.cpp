#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "sla_planner/interp/cubic_spline.hpp"

using sla_planner::CubicSpline;

TEST_CASE("CubicSpline reproduces any cubic exactly (not-a-knot)") {
  auto f = [](double x) { return 0.5 * x * x * x - 2.0 * x * x + 3.0 * x - 7.0; };
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> gap(0.1, 3.0);
  for (int n : {4, 5, 8, 17, 40}) {
    std::vector<double> x(n), y(n);
    double t = -5.0;
    for (int i = 0; i < n; ++i) { x[i] = t; y[i] = f(t); t += gap(rng); }
    CubicSpline s(x, y);
    for (double q = x.front(); q <= x.back(); q += 0.0137) {
      REQUIRE(s(q) == Approx(f(q)).epsilon(1e-11).margin(1e-9));
    }
    CHECK(s.prime(0.3) == Approx(1.5 * 0.09 - 4.0 * 0.3 + 3.0).epsilon(1e-9));
  }
}

TEST_CASE("CubicSpline with two points is the line, with three the parabola") {
  CubicSpline line({1.0, 3.0}, {2.0, 6.0});
  CHECK(line(2.0) == Approx(4.0));
  CHECK(line(5.0) == Approx(10.0));  // extrapolates
  CubicSpline par({0.0, 1.0, 3.0}, {1.0, 2.0, 10.0});  // y = x^2 + 1
  CHECK(par(2.0) == Approx(5.0));
  CHECK(par(0.5) == Approx(1.25));
}

TEST_CASE("CubicSpline matches scipy.interpolate.interp1d(kind='cubic')") {
  // scipy 1.10.1: interp1d([0,1,2,4,7,8],[0,1,0,3,2,5],kind='cubic')([0.5,3,6,7.9])
  CubicSpline s({0, 1, 2, 4, 7, 8}, {0, 1, 0, 3, 2, 5});
  CHECK(s(0.5) == Approx(1.1088483146067414).epsilon(1e-13));
  CHECK(s(3.0) == Approx(1.2457865168539328).epsilon(1e-13));
  CHECK(s(6.0) == Approx(1.9213483146067416).epsilon(1e-13));
  CHECK(s(7.9) == Approx(4.51490168539326).epsilon(1e-13));
}

TEST_CASE("CubicSpline rejects bad input with the offending values") {
  CHECK_THROWS_WITH(CubicSpline({1, 2, 2, 3}, {1, 2, 3, 4}),
                    "CubicSpline: x[1] = 2 and x[2] = 2 are not strictly increasing");
  CHECK_THROWS_WITH(CubicSpline({1}, {1}), "CubicSpline: need at least 2 points, got 1");
  CHECK_THROWS_WITH(CubicSpline({1, 2}, {1}), "CubicSpline: x has 2 values but y has 1");
  CHECK_THROWS_WITH(CubicSpline({1, 2, 3}, {1, NAN, 3}), "CubicSpline: y[1] = nan is not finite");
}
