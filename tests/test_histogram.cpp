// Histogram: Prometheus bucket semantics and Dynamo frontend's ISL/OSL bucket boundaries
// (lib/llm/src/http/service/metrics.rs generate_log_buckets(50, 128000, 12) and (50, 32000, 10):
// 0, then 50 · (max/50)^(i/(count-1)) for i = 1..count-1, rounded to two significant figures).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "sla_planner/planner/histogram.hpp"

using namespace sla_planner;

namespace {
double two_significant(double v) {
  const double scale = std::pow(10.0, 1.0 - std::floor(std::log10(v)));
  return std::round(v * scale) / scale;
}
std::vector<double> log_buckets(double lo, double hi, int n) {
  std::vector<double> b{0.0};
  for (int i = 1; i < n; ++i)
    b.push_back(two_significant(std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (n - 1))));
  return b;
}
}  // namespace

TEST_CASE("Dynamo frontend bucket boundaries") {
  CHECK(Histogram::dynamo_isl_bounds() == log_buckets(50, 128000, 12));
  CHECK(Histogram::dynamo_osl_bounds() == log_buckets(50, 32000, 10));
  const std::vector<double> ttft = log_buckets(0.001, 480, 18), itl = log_buckets(0.001, 2.0, 13);
  REQUIRE(Histogram::dynamo_ttft_s_bounds().size() == ttft.size());
  for (std::size_t i = 0; i < ttft.size(); ++i) CHECK(Histogram::dynamo_ttft_s_bounds()[i] == Approx(ttft[i]));
  REQUIRE(Histogram::dynamo_itl_s_bounds().size() == itl.size());
  for (std::size_t i = 0; i < itl.size(); ++i) CHECK(Histogram::dynamo_itl_s_bounds()[i] == Approx(itl[i]));
  CHECK(Histogram::dynamo_isl_bounds().back() == 130000);
  CHECK(Histogram::dynamo_osl_bounds().size() == 10);
}

TEST_CASE("values fall in the first bucket whose upper bound is >= the value") {
  Histogram h({0, 100, 1000});
  h.add(0);
  h.add(100);
  h.add(101);
  h.add(5000, 2);
  CHECK(h.counts == std::vector<double>{1, 1, 1, 2});
  CHECK(h.count == 5);
  CHECK(h.sum == 10201);
  CHECK(h.mean() == Approx(2040.2));
  CHECK(Histogram().mean() == 0);
  CHECK_THROWS_AS(Histogram({0, 10, 10}), std::invalid_argument);
}

TEST_CASE("merge adds counts, sums and observations; different bounds are refused") {
  Histogram a = Histogram::dynamo_osl(), b = Histogram::dynamo_osl();
  a.add(150);
  b.add(150);
  b.add(40000);
  a.merge(b);
  CHECK(a.count == 3);
  CHECK(a.sum == 40300);
  CHECK(a.counts[2] == 2);   // (100, 210]
  CHECK(a.counts.back() == 1);  // +Inf
  Histogram c = Histogram::dynamo_isl();
  CHECK_THROWS_AS(c.merge(b), std::invalid_argument);
}

TEST_CASE("share at or below a bound counts whole buckets") {
  Histogram h = Histogram::dynamo_ttft_s();
  h.add(0.05, 3);  // (0.047, 0.1]
  h.add(0.15);     // (0.1, 0.22]
  CHECK(h.share_at_or_below(0.1) == Approx(0.75));
  CHECK(h.share_at_or_below(0.2) == Approx(0.75));  // 0.2 is inside (0.1, 0.22]: that bucket is not counted
  CHECK(h.share_at_or_below(0.22) == Approx(1.0));
  CHECK(Histogram().share_at_or_below(1) == 0);
}

TEST_CASE("from Prometheus' cumulative buckets") {
  const double inf = std::numeric_limits<double>::infinity();
  const Histogram h = Histogram::from_cumulative({100, 1000, inf}, {2, 5, 6}, 4200);
  CHECK(h.bounds == std::vector<double>{100, 1000});
  CHECK(h.counts == std::vector<double>{2, 3, 1});
  CHECK(h.count == 6);
  CHECK(h.mean() == Approx(700));
  CHECK_THROWS_AS(Histogram::from_cumulative({100, inf}, {1}), std::invalid_argument);
}
