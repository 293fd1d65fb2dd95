// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace sla_planner {

/// The history every load predictor keeps, with the Python planner's rules:
/// NaN counts as 0; while the buffer is empty a 0 is skipped (leading idle time is ignored);
/// only the newest `window_size` points are kept.
class PredictorBuffer {
public:
  /// \throws std::invalid_argument when window_size < 1
  explicit PredictorBuffer(std::size_t window_size = 50) : window_size_(window_size) {
    if (window_size < 1) throw std::invalid_argument("'window_size' must be >= 1, got 0");
    values_.reserve(window_size);
  }

  /// Appends one observation (see the class rules). Returns false when it was skipped.
  bool add(double v) {
    if (std::isnan(v)) v = 0.0;
    if (values_.empty() && v == 0.0) return false;
    if (values_.size() == window_size_) {  // full: shift left by one, newest at the back
      std::rotate(values_.begin(), values_.begin() + 1, values_.end());
      values_.back() = v;
    } else {
      values_.push_back(v);
    }
    return true;
  }

  /// The kept points, oldest first.
  const std::vector<double>& values() const noexcept { return values_; }
  std::size_t size() const noexcept { return values_.size(); }
  bool empty() const noexcept { return values_.empty(); }
  /// Newest point, or 0 when empty.
  double last() const noexcept { return values_.empty() ? 0.0 : values_.back(); }
  std::size_t window_size() const noexcept { return window_size_; }
  void clear() noexcept { values_.clear(); }

private:
  std::size_t window_size_;
  std::vector<double> values_;
};

}  // namespace sla_planner
