// util/percentile.hpp: NumPy's default percentile, one implementation for the replay and trace_stats.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sla_planner/util/percentile.hpp"

using namespace sla_planner;

TEST_CASE("percentiles as numpy.percentile (linear)") {
  std::vector<double> v = {4, 1, 3, 2};
  CHECK(percentile_inplace(v, 50) == Approx(2.5));
  CHECK(percentile_inplace(v, 90) == Approx(3.7));
  CHECK(percentile_inplace(v, 99) == Approx(3.97));
  CHECK(percentile_inplace(v, 0) == 1.0);
  CHECK(percentile_inplace(v, 100) == 4.0);
  std::vector<double> one = {7};
  CHECK(percentile_inplace(one, 99) == 7.0);
  std::vector<double> none;
  CHECK(percentile_inplace(none, 50) == 0.0);
}

TEST_CASE("numpy_lerp interpolates from the upper end when the weight is at least one half") {
  // NumPy's _lerp: a + (b - a) t below 0.5, b - (b - a)(1 - t) from 0.5 on; exact at both ends.
  CHECK(numpy_lerp(1.0, 2.0, 0.25) == 1.25);
  CHECK(numpy_lerp(1.0, 2.0, 1.0) == 2.0);
  CHECK(numpy_lerp(0.1, 0.7, 0.5) == 0.7 - (0.7 - 0.1) * 0.5);
  // a value where the two formulas differ in the last bit
  const double a = 0.1, b = 0.30000000000000004, t = 0.7;
  CHECK(numpy_lerp(a, b, t) == b - (b - a) * (1 - t));
}

TEST_CASE("numpy_quantile_of_ranks reads ranks from any source (a histogram's counts)") {
  // 1, 1, 2, 5, 5, 5 through a rank function
  const std::vector<std::int64_t> sorted = {1, 1, 2, 5, 5, 5};
  auto at = [&](std::uint64_t r) { return sorted[r]; };
  CHECK(numpy_quantile_of_ranks(6, 0.5, at) == 3.5);
  CHECK(numpy_quantile_of_ranks(6, 0.0, at) == 1.0);
  CHECK(numpy_quantile_of_ranks(6, 1.0, at) == 5.0);
  CHECK(numpy_quantile_of_ranks(6, 0.9, at) == 5.0);
  CHECK(std::isnan(numpy_quantile_of_ranks(0, 0.5, at)));
}
