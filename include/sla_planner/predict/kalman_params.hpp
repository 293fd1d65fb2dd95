// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Parameters of KalmanPredictor; defaults are the newest Python SLA planner's (`kalman_q_level`,
// `kalman_q_trend`, `kalman_r`, `kalman_min_points`).
#pragma once

#include <cmath>
#include <cstddef>

#include "sla_planner/util/checks.hpp"

namespace sla_planner {

/// Noise variances and start-up rules of the local linear trend Kalman filter.
struct KalmanParams {
  /// Points kept in the buffer (the filter itself sees every point). Must be >= 1.
  std::size_t window_size = 50;
  /// Variance of the level's random walk per step (Q[0][0]). Must be >= 0; below 1e-12 counts as 1e-12.
  double q_level = 1.0;
  /// Variance of the trend's random walk per step (Q[1][1]). Must be >= 0; below 1e-12 counts as 1e-12.
  double q_trend = 0.1;
  /// Observation noise variance (R). Must be > 0; below 1e-9 counts as 1e-9.
  double r = 10.0;
  /// Points needed before the filter's forecast is used; before that the last value is returned. Must be >= 1.
  std::size_t min_points = 5;
  /// Initial state covariance: this times the identity (filterpy's P *= 1000). Must be > 0.
  double initial_covariance = 1000.0;

  /// \throws std::invalid_argument naming the first field out of range
  void validate() const {
    if (window_size < 1) throw_param_error("window_size", ">= 1", window_size);
    if (!(q_level >= 0.0) || !std::isfinite(q_level)) throw_param_error("q_level", ">= 0", q_level);
    if (!(q_trend >= 0.0) || !std::isfinite(q_trend)) throw_param_error("q_trend", ">= 0", q_trend);
    if (!(r > 0.0) || !std::isfinite(r)) throw_param_error("r", "> 0", r);
    if (min_points < 1) throw_param_error("min_points", ">= 1", min_points);
    if (!(initial_covariance > 0.0) || !std::isfinite(initial_covariance))
      throw_param_error("initial_covariance", "> 0", initial_covariance);
  }
};

}  // namespace sla_planner
