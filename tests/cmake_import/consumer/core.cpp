// A consumer of sla_planner::core only: the compute areas build without any file-format library.
#include <cstdio>
#include <vector>

#include <sla_planner/interp/cubic_spline.hpp>
#include <sla_planner/planner/replica_calculator.hpp>
#include <sla_planner/predict/constant_predictor.hpp>
#include <sla_planner/sim/fleet_simulator.hpp>
#include <sla_planner/trace/interval_series.hpp>
#include <sla_planner/util/percentile.hpp>

int main() {
  using namespace sla_planner;
  const CubicSpline s({0, 1, 2, 3}, {0, 1, 4, 9});
  std::vector<double> v{3, 1, 2};
  const double p50 = percentile_inplace(v, 50);
  std::printf("spline(1.5) = %.3f, median = %.1f\n", s(1.5), p50);
  return s(1.5) == 2.25 && p50 == 2.0 ? 0 : 1;
}
