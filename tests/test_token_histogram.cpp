// TokenHistogram: Prometheus bucket semantics and Dynamo frontend's ISL/OSL bucket boundaries
// (lib/llm/src/http/service/metrics.rs generate_log_buckets(50, 128000, 12) and (50, 32000, 10):
// 0, then 50 · (max/50)^(i/(count-1)) for i = 1..count-1, rounded to two significant figures).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sla_planner/planner/token_histogram.hpp"

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
  CHECK(TokenHistogram::dynamo_isl_bounds() == log_buckets(50, 128000, 12));
  CHECK(TokenHistogram::dynamo_osl_bounds() == log_buckets(50, 32000, 10));
  CHECK(TokenHistogram::dynamo_isl_bounds().back() == 130000);
  CHECK(TokenHistogram::dynamo_osl_bounds().size() == 10);
}

TEST_CASE("values fall in the first bucket whose upper bound is >= the value") {
  TokenHistogram h({0, 100, 1000});
  h.add(0);
  h.add(100);
  h.add(101);
  h.add(5000, 2);
  CHECK(h.counts == std::vector<double>{1, 1, 1, 2});
  CHECK(h.count == 5);
  CHECK(h.sum == 10201);
  CHECK(h.mean() == Approx(2040.2));
  CHECK(TokenHistogram().mean() == 0);
  CHECK_THROWS_AS(TokenHistogram({0, 10, 10}), std::invalid_argument);
}

TEST_CASE("merge adds counts, sums and observations; different bounds are refused") {
  TokenHistogram a = TokenHistogram::dynamo_osl(), b = TokenHistogram::dynamo_osl();
  a.add(150);
  b.add(150);
  b.add(40000);
  a.merge(b);
  CHECK(a.count == 3);
  CHECK(a.sum == 40300);
  CHECK(a.counts[2] == 2);   // (100, 210]
  CHECK(a.counts.back() == 1);  // +Inf
  TokenHistogram c = TokenHistogram::dynamo_isl();
  CHECK_THROWS_AS(c.merge(b), std::invalid_argument);
}
