// sla_planner — header-only SLA planner for disaggregated LLM serving.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cmath>
#include <string>

#include "sla_planner/util/fit_status.hpp"

namespace sla_planner {

/// One-step forecast with how it was obtained. `value` is never negative and never NaN.
struct Forecast {
  double value = 0.0;                   ///< forecast for the next interval (>= 0)
  FitStatus status = FitStatus::InsufficientData;
  bool clamped = false;                 ///< the model's raw forecast was negative and was raised to 0
  bool fell_back = false;               ///< the model's raw forecast was NaN/inf; the last value was used
  std::string reason;                   ///< why a fallback happened ("" when none)

  /// Applies the common output rules to a model's raw forecast: a non-finite value falls back
  /// to `last` (recording `why`), a negative one is clamped at 0.
  static Forecast finalize(double raw, double last, FitStatus status, std::string why = {}) {
    Forecast f;
    f.status = status;
    if (!std::isfinite(raw)) {
      f.fell_back = true;
      f.reason = why.empty() ? std::string("model forecast is not finite; used the last value") : std::move(why);
      raw = last;
      if (f.status == FitStatus::Success) f.status = FitStatus::NumericalIssue;
    } else {
      f.reason = std::move(why);
    }
    if (raw < 0.0) {
      f.clamped = true;
      raw = 0.0;
    }
    f.value = raw;
    return f;
  }
};

/// The three one-step forecasts a planning decision sizes the fleet from.
struct LoadForecast {
  Forecast num_req;  ///< requests in the next interval
  Forecast isl;      ///< mean input length
  Forecast osl;      ///< mean output length
};

}  // namespace sla_planner
