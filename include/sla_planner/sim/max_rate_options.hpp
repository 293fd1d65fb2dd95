// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Settings of FleetSearch::max_rate: the search for the highest load a fleet sustains, LBFGSpp
// Param.h style.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

namespace sla_planner {

/// How FleetSearch::max_rate searches for the highest time scale a fleet sustains.
struct MaxRateOptions {
  /// Smallest time scale tried (> 0): below it the fleet is reported as never meeting the target.
  double min_scale = 1.0 / 64;
  /// Largest time scale tried (>= min_scale): above it the fleet is reported as unbounded.
  double max_scale = 64;
  /// Stop when the bracket [meets, fails] is narrower than this factor minus 1 (> 0): 0.01 gives
  /// the limit to within 1 %.
  double relative_tolerance = 0.01;
  /// Scales replayed per narrowing round, concurrently (>= 1; 1 is bisection). Fixed, not taken
  /// from the core count, so that the answer does not depend on the machine.
  int points_per_round = 2;

  /// \throws std::invalid_argument naming the field
  void validate() const {
    if (!(min_scale > 0) || !std::isfinite(min_scale))
      throw std::invalid_argument("'min_scale' must be > 0, got " + std::to_string(min_scale));
    if (!(max_scale >= min_scale) || !std::isfinite(max_scale))
      throw std::invalid_argument("'max_scale' must be >= 'min_scale', got " + std::to_string(max_scale));
    if (!(relative_tolerance > 0) || !std::isfinite(relative_tolerance))
      throw std::invalid_argument("'relative_tolerance' must be > 0, got " + std::to_string(relative_tolerance));
    if (points_per_round < 1)
      throw std::invalid_argument("'points_per_round' must be >= 1, got " + std::to_string(points_per_round));
  }
};

}  // namespace sla_planner
