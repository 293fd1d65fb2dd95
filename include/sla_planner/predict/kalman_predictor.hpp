// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// Kalman load predictor: the local linear trend model (Durbin & Koopman, "Time Series Analysis by
// State Space Methods", 2nd ed., 2012, ch. 3)
//   level_t = level_{t-1} + trend_{t-1} + w,  trend_t = trend_{t-1} + u,  z_t = level_t + e,
// filtered one point at a time. Reference semantics: the KalmanPredictor of NVIDIA Dynamo's Python
// SLA planner (filterpy `KalmanFilter`, dim_x 2): the first point sets the state to (z, 0) with
// covariance 1000 I and no update; each later point is a predict step then an update step (Joseph
// form); the forecast is the level of the next predicted state.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include <Eigen/Core>

#include "sla_planner/predict/forecast.hpp"
#include "sla_planner/predict/kalman_params.hpp"
#include "sla_planner/predict/predictor_buffer.hpp"

namespace sla_planner {

/// Forecasts the next interval with a local linear trend Kalman filter run over every point seen.
class KalmanPredictor {
public:
  /// \throws std::invalid_argument when a parameter is out of range (see KalmanParams::validate)
  explicit KalmanPredictor(KalmanParams params = {}) : params_(checked(params)), buffer_(params_.window_size) {
    Q_ << std::max(1e-12, params_.q_level), 0.0, 0.0, std::max(1e-12, params_.q_trend);
    r_ = std::max(1e-9, params_.r);
    reset_state();
  }

  /// Records one interval's value (NaN counts as 0; leading zeros are skipped) and filters it.
  /// An infinite value is kept in the buffer but not fed to the filter (it would poison the state).
  void add_data_point(double v) {
    if (!buffer_.add(v)) return;
    const double z = buffer_.last();
    if (!std::isfinite(z)) return;
    if (!initialized_) {
      x_ << z, 0.0;
      initialized_ = true;
      ++filtered_;
      return;
    }
    // Predict: x = F x, P = F P F' + Q.
    x_ = F_ * x_;
    P_ = F_ * P_ * F_.transpose() + Q_;
    // Update with H = [1 0] (filterpy's Joseph-form covariance update).
    const double y = z - x_[0];
    const double s = P_(0, 0) + r_;
    const Eigen::Vector2d K = P_.col(0) / s;
    x_ += K * y;
    Eigen::Matrix2d I_KH = Eigen::Matrix2d::Identity();
    I_KH.col(0) -= K;
    P_ = I_KH * P_ * I_KH.transpose() + (K * r_) * K.transpose();
    ++filtered_;
  }

  /// The level of the one-step-ahead state (level + trend), clamped at 0. Fewer than min_points
  /// points give the last value; a non-finite forecast falls back to the last value.
  double predict_next() {
    const double last = buffer_.last();
    if (filtered_ < params_.min_points || buffer_.size() < params_.min_points) {
      last_ = Forecast::finalize(last, last, FitStatus::InsufficientData);
    } else {
      last_ = Forecast::finalize(x_[0] + x_[1], last, FitStatus::Success);
    }
    return last_.value;
  }

  /// Details of the most recent predict_next().
  const Forecast& last_forecast() const noexcept { return last_; }
  const PredictorBuffer& buffer() const noexcept { return buffer_; }
  const KalmanParams& params() const noexcept { return params_; }
  /// Filtered state after the latest point: (level, trend).
  const Eigen::Vector2d& state() const noexcept { return x_; }
  /// Covariance of the filtered state.
  const Eigen::Matrix2d& covariance() const noexcept { return P_; }
  /// Points the filter has taken in (every accepted finite point, not only the window's).
  std::size_t filtered_points() const noexcept { return filtered_; }
  /// Default of KalmanParams::min_points (the configured value is params().min_points).
  static constexpr std::size_t minimum_data_points = 5;

private:
  static KalmanParams checked(const KalmanParams& p) {
    p.validate();
    return p;
  }
  void reset_state() {
    F_ << 1.0, 1.0, 0.0, 1.0;
    x_.setZero();
    P_ = Eigen::Matrix2d::Identity() * params_.initial_covariance;
    initialized_ = false;
    filtered_ = 0;
  }

  KalmanParams params_;
  PredictorBuffer buffer_;
  Eigen::Matrix2d F_, Q_, P_;
  Eigen::Vector2d x_;
  double r_ = 10.0;
  bool initialized_ = false;
  std::size_t filtered_ = 0;
  Forecast last_;
};

}  // namespace sla_planner
