// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
//
// A finite number read from Prometheus, or the typed reason there is none.
#pragma once

#include <optional>
#include <utility>

#include "sla_planner/live/prometheus_error.hpp"

namespace sla_planner {

/// Either a finite value or a PrometheusError; exactly one of the two is set.
class PrometheusValue {
public:
  /// A finite value.
  static PrometheusValue of(double v) {
    PrometheusValue r;
    r.value_ = v;
    return r;
  }
  /// A failure.
  static PrometheusValue failure(PrometheusErrorKind kind, std::string message) {
    PrometheusValue r;
    r.error_ = PrometheusError{kind, std::move(message)};
    return r;
  }

  bool ok() const noexcept { return value_.has_value(); }
  /// The value; only meaningful when ok().
  double value() const noexcept { return value_.value_or(0.0); }
  /// The reason; only meaningful when !ok().
  const PrometheusError& error() const noexcept { return error_; }

private:
  PrometheusValue() = default;
  std::optional<double> value_;
  PrometheusError error_;
};

}  // namespace sla_planner
