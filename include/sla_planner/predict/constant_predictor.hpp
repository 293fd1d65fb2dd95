// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sla_planner/predict/forecast.hpp"
#include "sla_planner/predict/predictor_buffer.hpp"

namespace sla_planner {

/// Forecasts the last observed value (0 before any data). The Python planner's "constant".
class ConstantPredictor {
public:
  /// \param window_size points kept (only the last one matters here)
  explicit ConstantPredictor(std::size_t window_size = 50) : buffer_(window_size) {}

  /// Records one interval's value (NaN counts as 0; leading zeros are skipped).
  void add_data_point(double v) { buffer_.add(v); }

  /// The last value, clamped at 0.
  double predict_next() {
    last_ = Forecast::finalize(buffer_.last(), buffer_.last(),
                               buffer_.empty() ? FitStatus::InsufficientData : FitStatus::Success);
    return last_.value;
  }

  /// Details of the most recent predict_next().
  const Forecast& last_forecast() const noexcept { return last_; }
  const PredictorBuffer& buffer() const noexcept { return buffer_; }
  static constexpr std::size_t minimum_data_points = 1;

private:
  PredictorBuffer buffer_;
  Forecast last_;
};

}  // namespace sla_planner
